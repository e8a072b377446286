import * as path from 'node:path';

/** Thrown at boot when an environment variable breaks its rule. One line, names the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly rule: string,
  ) {
    super(`Invalid configuration: ${variable} ${rule}`);
  }
}

export type StorageType = 'json' | 'postgres';

export interface PostgresConfig {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  ssl: boolean;
  /** Takes precedence over the discrete fields when set. */
  url?: string;
}

export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  capturesDir: string;
  storage: StorageType;
  postgres: PostgresConfig;
  apiKey?: string;
  secretKey?: string;
  webhookSecret?: string;
  trustProxy: boolean;
  corsOrigins: string[];
  allowPrivateNetworks: boolean;
  maxBodySize: number;
  maxTaskBytes: number;
  authRateLimitMax: number;
  authRateLimitWindowSeconds: number;
  maxConcurrentExecutions: number;
  maxQueuedExecutions: number;
  maxExecutions: number;
  maxResultBytes: number;
  maxRunTimeoutSeconds: number;
  maxStepsPerRun?: number;
  maxDownloadBytes: number;
  shutdownGraceSeconds: number;
  browser: {
    executablePath?: string;
    wsEndpoint?: string;
    noSandbox: boolean;
    maxContexts: number;
    maxAgeMinutes: number;
    locale: string;
    timezone: string;
  };
  headful: { novncPort: number; novncPublicUrl?: string; maxMinutes: number };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

type Env = Record<string, string | undefined>;

const MiB = 1024 * 1024;

function str(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function int(env: Env, name: string, def: number, min: number, max: number): number {
  const raw = str(env, name);
  if (raw === undefined) return def;
  if (!/^-?\d+$/.test(raw)) throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${raw}")`);
  const n = Number(raw);
  if (n < min || n > max) throw new ConfigError(name, `must be an integer from ${min} to ${max} (got ${n})`);
  return n;
}

function optInt(env: Env, name: string, min: number, max: number): number | undefined {
  return str(env, name) === undefined ? undefined : int(env, name, min, min, max);
}

function bool(env: Env, name: string, def: boolean): boolean {
  const raw = str(env, name);
  if (raw === undefined) return def;
  const v = raw.toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

/** Sizes accept plain bytes or a unit suffix: 10mb, 512kb, 1gb. */
function size(env: Env, name: string, def: number): number {
  const raw = str(env, name);
  if (raw === undefined) return def;
  const m = /^(\d+)\s*(b|kb|k|mb|m|gb|g)?$/i.exec(raw);
  if (!m) throw new ConfigError(name, `must be a size such as 10485760, 512kb or 10mb (got "${raw}")`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const factor = unit === 'k' ? 1024 : unit === 'm' ? MiB : unit === 'g' ? 1024 * MiB : 1;
  const n = Number(m[1]) * factor;
  if (n < 1024) throw new ConfigError(name, `must be at least 1kb (got "${raw}")`);
  return n;
}

function oneOf<T extends string>(env: Env, name: string, values: readonly T[], def: T): T {
  const raw = str(env, name);
  if (raw === undefined) return def;
  const v = raw.toLowerCase() as T;
  if (!values.includes(v)) throw new ConfigError(name, `must be one of ${values.join(', ')} (got "${raw}")`);
  return v;
}

function url(env: Env, name: string, schemes: string[]): string | undefined {
  const raw = str(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be an absolute URL');
  }
  if (!schemes.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use one of the schemes ${schemes.join(', ')}`);
  }
  return raw;
}

function secret(env: Env, name: string, minLength: number, maxLength = 512): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < minLength || raw.length > maxLength) {
    throw new ConfigError(name, `must be ${minLength} to ${maxLength} characters long`);
  }
  if (!/^[\x21-\x7e]+$/.test(raw)) throw new ConfigError(name, 'must be printable ASCII without spaces');
  return raw;
}

/** Reads and validates the whole environment once. Nothing else in the server reads process.env. */
export function loadConfig(env: Env, cwd = process.cwd()): AppConfig {
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']);
  // An explicit DB_TYPE wins; DATABASE_URL alone selects PostgreSQL.
  const dbType = oneOf(env, 'DB_TYPE', ['json', 'postgres', 'postgresdb'] as const, databaseUrl ? 'postgres' : 'json');
  const storage: StorageType = dbType === 'json' ? 'json' : 'postgres';
  const host = str(env, 'HOST') ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) throw new ConfigError('HOST', 'must be a host name or IP address');

  const config: AppConfig = {
    port: int(env, 'PORT', 11345, 0, 65535),
    host,
    dataDir: path.resolve(cwd, str(env, 'DATA_DIR') ?? './data'),
    capturesDir: path.resolve(cwd, str(env, 'CAPTURES_DIR') ?? './public/captures'),
    storage,
    postgres: {
      host: str(env, 'DB_POSTGRESDB_HOST') ?? '127.0.0.1',
      port: int(env, 'DB_POSTGRESDB_PORT', 5432, 1, 65535),
      user: str(env, 'DB_POSTGRESDB_USER') ?? 'postgres',
      password: env.DB_POSTGRESDB_PASSWORD ?? '',
      database: str(env, 'DB_POSTGRESDB_DATABASE') ?? 'figranium',
      ssl: bool(env, 'DB_POSTGRESDB_SSL', false),
      url: databaseUrl,
    },
    apiKey: secret(env, 'API_KEY', 16),
    secretKey: secret(env, 'SECRET_KEY', 32, 1024),
    webhookSecret: secret(env, 'WEBHOOK_SECRET', 16),
    trustProxy: bool(env, 'TRUST_PROXY', false),
    corsOrigins: (str(env, 'CORS_ORIGINS') ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    allowPrivateNetworks: bool(env, 'ALLOW_PRIVATE_NETWORKS', false),
    maxBodySize: size(env, 'MAX_BODY_SIZE', 10 * MiB),
    maxTaskBytes: size(env, 'MAX_TASK_BYTES', 5 * MiB),
    authRateLimitMax: int(env, 'AUTH_RATE_LIMIT_MAX', 10, 1, 1_000_000),
    authRateLimitWindowSeconds: int(env, 'AUTH_RATE_LIMIT_WINDOW_SECONDS', 900, 1, 86_400),
    maxConcurrentExecutions: int(env, 'MAX_CONCURRENT_EXECUTIONS', 2, 1, 256),
    maxQueuedExecutions: int(env, 'MAX_QUEUED_EXECUTIONS', 100, 0, 100_000),
    maxExecutions: int(env, 'MAX_EXECUTIONS', 5000, 1, 10_000_000),
    maxResultBytes: size(env, 'MAX_RESULT_BYTES', 32 * MiB),
    maxRunTimeoutSeconds: int(env, 'MAX_RUN_TIMEOUT_SECONDS', 3600, 1, 86_400),
    maxStepsPerRun: optInt(env, 'MAX_STEPS_PER_RUN', 1, 100_000_000),
    maxDownloadBytes: size(env, 'MAX_DOWNLOAD_BYTES', 100 * MiB),
    shutdownGraceSeconds: int(env, 'SHUTDOWN_GRACE_SECONDS', 30, 0, 3600),
    browser: {
      executablePath: str(env, 'PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH'),
      wsEndpoint: url(env, 'BROWSER_WS_ENDPOINT', ['ws:', 'wss:']),
      noSandbox: bool(env, 'CHROMIUM_NO_SANDBOX', false),
      maxContexts: int(env, 'BROWSER_MAX_CONTEXTS', 50, 1, 100_000),
      maxAgeMinutes: int(env, 'BROWSER_MAX_AGE_MINUTES', 60, 1, 10_080),
      locale: str(env, 'BROWSER_LOCALE') ?? 'en-US',
      timezone: str(env, 'BROWSER_TIMEZONE') ?? 'America/New_York',
    },
    headful: {
      novncPort: int(env, 'NOVNC_PORT', 54311, 1, 65535),
      novncPublicUrl: url(env, 'NOVNC_PUBLIC_URL', ['http:', 'https:']),
      maxMinutes: int(env, 'HEADFUL_MAX_MINUTES', 60, 1, 1440),
    },
    logLevel: oneOf(env, 'LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  };
  return config;
}
