import { Injectable } from '@nestjs/common';
import { SettingsRepository, type JsonValue } from '../../storage/ports/index.js';

export const HOST_PROXY_ID = 'host';
export const ROTATION_MODES = ['round-robin', 'random'] as const;
export type RotationMode = (typeof ROTATION_MODES)[number];

/** Settings key `proxyRotation`: the default proxy and how rotation picks. */
export interface ProxyRotationSettings {
  defaultProxyId: string;
  includeDefaultInRotation: boolean;
  rotationMode: RotationMode;
}

const SETTINGS_KEY = 'proxyRotation';
const DEFAULTS: ProxyRotationSettings = { defaultProxyId: HOST_PROXY_ID, includeDefaultInRotation: false, rotationMode: 'round-robin' };

/** Reads a stored value leniently: anything missing or malformed falls back to the default. */
export function parseRotation(value: JsonValue | undefined): ProxyRotationSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ...DEFAULTS };
  const { defaultProxyId, includeDefaultInRotation, rotationMode } = value;
  return {
    defaultProxyId: typeof defaultProxyId === 'string' && defaultProxyId !== '' ? defaultProxyId : DEFAULTS.defaultProxyId,
    includeDefaultInRotation: typeof includeDefaultInRotation === 'boolean' ? includeDefaultInRotation : DEFAULTS.includeDefaultInRotation,
    rotationMode: (ROTATION_MODES as readonly JsonValue[]).includes(rotationMode) ? (rotationMode as RotationMode) : DEFAULTS.rotationMode,
  };
}

@Injectable()
export class ProxyRotationStore {
  constructor(private readonly settings: SettingsRepository) {}

  async get(): Promise<ProxyRotationSettings> {
    return parseRotation(await this.settings.get(SETTINGS_KEY));
  }

  /** Atomic read-modify-write of the rotation settings. */
  async update(fn: (current: ProxyRotationSettings) => ProxyRotationSettings): Promise<ProxyRotationSettings> {
    const stored = await this.settings.update(SETTINGS_KEY, (current) => ({ ...fn(parseRotation(current)) }));
    return parseRotation(stored);
  }
}
