import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { DomainError, notFound } from '../../common/errors.js';
import { newProxyId } from '../../common/ids.js';
import { SecretBox } from '../../crypto/secret-box.service.js';
import { ProxyRepository, type StoredProxy } from '../../storage/ports/index.js';
import { assertSocksWithoutCredentials, parseImportEntry, toDraft, type ProxyDraft, type ProxyInput } from './proxy-input.js';
import { buildProxyList, type ProxyList } from './proxy-list.js';
import { HOST_PROXY_ID, ProxyRotationStore, type RotationMode } from './proxy-rotation.store.js';
import { ProxyServerError, proxyIdentity } from './proxy-server.js';
import { SerialQueue } from './serial-queue.js';

export interface ImportCounts {
  added: number;
  updated: number;
  invalid: number;
}

export interface RotationChange {
  includeDefaultInRotation?: boolean | null;
  rotationMode?: RotationMode | null;
}

/** Proxy ids are `proxy_` + 12 hex digits; anything unprintable or huge cannot exist, so it is not looked up. */
const PLAUSIBLE_ID = /^[\x21-\x7e]{1,200}$/;

const invalidProxy = (reason: string) => new DomainError('INVALID_PROXY', `Invalid proxy: ${reason}`, { reason });
const readOnly = () => new DomainError('PROXY_READ_ONLY', "The 'host' entry cannot be changed or deleted");

function draftOrThrow(input: ProxyInput): ProxyDraft {
  try {
    return toDraft(input);
  } catch (err) {
    if (err instanceof ProxyServerError) throw invalidProxy(err.reason);
    throw err;
  }
}

function checkSocks(draft: ProxyDraft, passwordEnc: string | undefined): void {
  try {
    assertSocksWithoutCredentials(draft.scheme, draft.username !== undefined, passwordEnc !== undefined);
  } catch (err) {
    if (err instanceof ProxyServerError) throw invalidProxy(err.reason);
    throw err;
  }
}

/** Builds a record without undefined-valued keys (both storage providers see the same shape). */
function record(id: string, createdAt: number, draft: ProxyDraft, passwordEnc: string | undefined): StoredProxy {
  return {
    id,
    server: draft.server,
    ...(draft.username !== undefined && { username: draft.username }),
    ...(passwordEnc !== undefined && { passwordEnc }),
    ...(draft.label !== undefined && { label: draft.label }),
    ...(draft.isRotatingPool !== undefined && { isRotatingPool: draft.isRotatingPool }),
    ...(draft.estimatedPoolSize !== undefined && { estimatedPoolSize: draft.estimatedPoolSize }),
    createdAt,
  };
}

/**
 * Proxy settings (API §7.1). Writes are serialised in-process so the duplicate check and the
 * write cannot interleave; passwords are encrypted with SecretBox before they reach storage.
 */
@Injectable()
export class ProxySettingsService {
  private readonly queue = new SerialQueue();

  constructor(
    private readonly proxies: ProxyRepository,
    private readonly rotation: ProxyRotationStore,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  async list(): Promise<ProxyList> {
    const [stored, rotation] = await Promise.all([this.proxies.list(), this.rotation.get()]);
    return buildProxyList(stored, rotation);
  }

  add(input: ProxyInput): Promise<ProxyList> {
    return this.queue.run(async () => {
      const draft = draftOrThrow(input);
      const passwordEnc = draft.password.kind === 'set' ? this.box.encrypt(draft.password.value) : undefined;
      checkSocks(draft, passwordEnc);
      const all = await this.proxies.list();
      this.assertUnique(all, draft, null);
      await this.proxies.save(record(this.freshId(all), this.nextCreatedAt(all), draft, passwordEnc));
      return this.list();
    });
  }

  /** PUT: omitted fields are cleared, except the password (omitted or mask → unchanged). */
  update(id: string, input: ProxyInput): Promise<ProxyList> {
    return this.queue.run(async () => {
      if (id === HOST_PROXY_ID) throw readOnly();
      const existing = PLAUSIBLE_ID.test(id) ? await this.proxies.get(id) : null;
      if (!existing) throw notFound('PROXY_NOT_FOUND', 'proxy', id);
      const draft = draftOrThrow(input);
      const passwordEnc =
        draft.password.kind === 'set' ? this.box.encrypt(draft.password.value) : draft.password.kind === 'keep' ? existing.passwordEnc : undefined;
      checkSocks(draft, passwordEnc);
      this.assertUnique(await this.proxies.list(), draft, id);
      await this.proxies.save(record(id, existing.createdAt, draft, passwordEnc));
      return this.list();
    });
  }

  remove(id: string): Promise<ProxyList> {
    return this.queue.run(async () => {
      if (id === HOST_PROXY_ID) throw readOnly();
      if (!PLAUSIBLE_ID.test(id) || !(await this.proxies.delete(id))) throw notFound('PROXY_NOT_FOUND', 'proxy', id);
      await this.resetDefaultIfIn([id]);
      return this.list();
    });
  }

  /** Unknown ids and `host` are skipped. */
  removeMany(ids: string[]): Promise<ProxyList> {
    return this.queue.run(async () => {
      const targets = [...new Set(ids)].filter((id) => id !== HOST_PROXY_ID);
      if (targets.length > 0) {
        await this.proxies.deleteMany(targets);
        await this.resetDefaultIfIn(targets);
      }
      return this.list();
    });
  }

  /**
   * Matches on lower-cased server plus username update the stored proxy in place (id kept; the
   * password and label only when the entry gives them). Repeats within one import update the
   * entry added earlier in the same import.
   */
  import(entries: unknown[]): Promise<ProxyList & { import: ImportCounts }> {
    return this.queue.run(async () => {
      const all = await this.proxies.list();
      const byIdentity = new Map(all.map((p) => [proxyIdentity(p.server, p.username), p]));
      const changed = new Map<string, StoredProxy>();
      const counts: ImportCounts = { added: 0, updated: 0, invalid: 0 };
      let firstReason: string | undefined;
      let createdAt = this.nextCreatedAt(all);
      for (const entry of entries) {
        try {
          const draft = parseImportEntry(entry);
          const key = proxyIdentity(draft.server, draft.username);
          const existing = byIdentity.get(key);
          const passwordEnc = draft.password.kind === 'set' ? this.box.encrypt(draft.password.value) : existing?.passwordEnc;
          assertSocksWithoutCredentials(draft.scheme, draft.username !== undefined, passwordEnc !== undefined);
          let next: StoredProxy;
          if (existing) {
            const kept = { label: draft.label ?? existing.label, isRotatingPool: existing.isRotatingPool, estimatedPoolSize: existing.estimatedPoolSize };
            next = record(existing.id, existing.createdAt, { ...draft, ...kept }, passwordEnc);
            counts.updated++;
          } else {
            next = record(this.freshId([...all, ...changed.values()]), createdAt++, draft, passwordEnc);
            counts.added++;
          }
          byIdentity.set(key, next);
          changed.set(next.id, next);
        } catch (err) {
          if (!(err instanceof ProxyServerError)) throw err;
          counts.invalid++;
          firstReason ??= err.reason;
        }
      }
      if (changed.size === 0) {
        throw invalidProxy(`no valid proxy among ${counts.invalid} entries (first problem: ${firstReason ?? 'none'})`);
      }
      await this.proxies.saveMany([...changed.values()]);
      return { ...(await this.list()), import: counts };
    });
  }

  /** `null` or `"host"` selects no proxy. */
  setDefault(id: string | null): Promise<ProxyList> {
    return this.queue.run(async () => {
      const target = id ?? HOST_PROXY_ID;
      if (target !== HOST_PROXY_ID && !(await this.proxies.get(target))) throw notFound('PROXY_NOT_FOUND', 'proxy', target);
      await this.rotation.update((current) => ({ ...current, defaultProxyId: target }));
      return this.list();
    });
  }

  setRotation(change: RotationChange): Promise<ProxyList> {
    return this.queue.run(async () => {
      await this.rotation.update((current) => ({
        ...current,
        includeDefaultInRotation: change.includeDefaultInRotation ?? current.includeDefaultInRotation,
        rotationMode: change.rotationMode ?? current.rotationMode,
      }));
      return this.list();
    });
  }

  private assertUnique(all: StoredProxy[], draft: ProxyDraft, selfId: string | null): void {
    const key = proxyIdentity(draft.server, draft.username);
    const clash = all.find((p) => p.id !== selfId && proxyIdentity(p.server, p.username) === key);
    if (clash) {
      throw new DomainError('PROXY_EXISTS', `A proxy with this server and username already exists ('${clash.id}')`, { id: clash.id });
    }
  }

  private async resetDefaultIfIn(ids: string[]): Promise<void> {
    await this.rotation.update((current) => (ids.includes(current.defaultProxyId) ? { ...current, defaultProxyId: HOST_PROXY_ID } : current));
  }

  private freshId(taken: StoredProxy[]): string {
    for (;;) {
      const id = newProxyId();
      if (!taken.some((p) => p.id === id)) return id;
    }
  }

  /** Keeps list order = insertion order even for many proxies added in the same millisecond. */
  private nextCreatedAt(all: StoredProxy[]): number {
    return all.reduce((max, p) => Math.max(max, p.createdAt + 1), this.clock.now());
  }
}
