import type { StoredProxy } from '../../storage/ports/index.js';
import { PASSWORD_MASK } from './proxy-input.js';
import { HOST_PROXY_ID, type ProxyRotationSettings, type RotationMode } from './proxy-rotation.store.js';

export interface HostProxyView {
  id: typeof HOST_PROXY_ID;
  server: 'host_ip';
  label: string;
  isDefault: boolean;
}

export interface StoredProxyView {
  id: string;
  server: string;
  username?: string;
  password?: string;
  label?: string;
  isRotatingPool: boolean;
  estimatedPoolSize?: number;
  isDefault: boolean;
}

/** Response of every proxy route (API §7.1). */
export interface ProxyList {
  proxies: [HostProxyView, ...StoredProxyView[]];
  defaultProxyId: string;
  includeDefaultInRotation: boolean;
  rotationMode: RotationMode;
}

/** The default as clients see it: `host` when the stored default no longer exists. */
export function effectiveDefaultId(stored: StoredProxy[], rotation: ProxyRotationSettings): string {
  return stored.some((p) => p.id === rotation.defaultProxyId) ? rotation.defaultProxyId : HOST_PROXY_ID;
}

/** Builds the view in the documented key order; the password is only ever the mask. */
export function toView(p: StoredProxy, defaultId: string): StoredProxyView {
  return {
    id: p.id,
    server: p.server,
    ...(p.username !== undefined && { username: p.username }),
    ...(p.passwordEnc !== undefined && { password: PASSWORD_MASK }),
    ...(p.label !== undefined && { label: p.label }),
    isRotatingPool: p.isRotatingPool ?? false,
    ...(p.estimatedPoolSize !== undefined && { estimatedPoolSize: p.estimatedPoolSize }),
    isDefault: p.id === defaultId,
  };
}

export function buildProxyList(stored: StoredProxy[], rotation: ProxyRotationSettings): ProxyList {
  const defaultId = effectiveDefaultId(stored, rotation);
  return {
    proxies: [{ id: HOST_PROXY_ID, server: 'host_ip', label: 'Host IP (no proxy)', isDefault: defaultId === HOST_PROXY_ID }, ...stored.map((p) => toView(p, defaultId))],
    defaultProxyId: defaultId,
    includeDefaultInRotation: rotation.includeDefaultInRotation,
    rotationMode: rotation.rotationMode,
  };
}
