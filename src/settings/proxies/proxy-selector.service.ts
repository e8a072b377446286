import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { SecretBox } from '../../crypto/secret-box.service.js';
import { ProxyRepository, type StoredProxy } from '../../storage/ports/index.js';
import { effectiveDefaultId } from './proxy-list.js';
import { HOST_PROXY_ID, ProxyRotationStore } from './proxy-rotation.store.js';

/** A proxy to set on a browser context, with its password decrypted. Never log `password`. */
export interface SelectedProxy {
  id: string;
  server: string;
  username?: string;
  password?: string;
  label?: string;
}

/**
 * Proxy choice for a run or headful session (RUNNER §11.4). Rotation off: the default. Rotation
 * on: `host` plus every stored proxy, minus the default unless `includeDefaultInRotation`; an
 * empty pool falls back to the default. `null` means no proxy (`host`).
 */
@Injectable()
export class ProxySelector {
  /** Round-robin position: one counter per process, shared by every task. */
  private counter = 0;

  constructor(
    private readonly proxies: ProxyRepository,
    private readonly rotation: ProxyRotationStore,
    private readonly box: SecretBox,
  ) {}

  async select(options: { rotate: boolean }): Promise<SelectedProxy | null> {
    const [stored, settings] = await Promise.all([this.proxies.list(), this.rotation.get()]);
    const defaultId = effectiveDefaultId(stored, settings);
    if (!options.rotate) return this.resolve(stored, defaultId);
    let pool = [HOST_PROXY_ID, ...stored.map((p) => p.id)];
    if (!settings.includeDefaultInRotation) pool = pool.filter((id) => id !== defaultId);
    if (pool.length === 0) return this.resolve(stored, defaultId);
    const index = settings.rotationMode === 'random' ? this.randomIndex(pool.length) : this.counter++ % pool.length;
    return this.resolve(stored, pool[index]);
  }

  protected randomIndex(size: number): number {
    return randomInt(size);
  }

  private resolve(stored: StoredProxy[], id: string): SelectedProxy | null {
    const proxy = stored.find((p) => p.id === id);
    if (!proxy) return null;
    const selected: SelectedProxy = { id: proxy.id, server: proxy.server };
    if (proxy.username !== undefined) selected.username = proxy.username;
    if (proxy.passwordEnc !== undefined) selected.password = this.box.decrypt(proxy.passwordEnc);
    if (proxy.label !== undefined) selected.label = proxy.label;
    return selected;
  }
}
