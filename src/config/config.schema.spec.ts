import * as path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.schema.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const c = loadConfig({}, '/srv');
    expect(c).toMatchObject({
      port: 11345,
      host: '127.0.0.1',
      dataDir: path.resolve('/srv/data'),
      capturesDir: path.resolve('/srv/public/captures'),
      storage: 'json',
      allowPrivateNetworks: false,
      maxBodySize: 10 * 1024 * 1024,
      maxTaskBytes: 5 * 1024 * 1024,
      authRateLimitMax: 10,
      authRateLimitWindowSeconds: 900,
      maxConcurrentExecutions: 2,
      maxQueuedExecutions: 100,
      maxExecutions: 5000,
      maxResultBytes: 32 * 1024 * 1024,
      trustProxy: false,
      corsOrigins: [],
    });
    expect(c.apiKey).toBeUndefined();
    expect(c.headful.novncPort).toBe(54311);
  });

  it('selects PostgreSQL by DB_TYPE or DATABASE_URL; an explicit DB_TYPE wins', () => {
    expect(loadConfig({ DB_TYPE: 'postgres' }).storage).toBe('postgres');
    expect(loadConfig({ DB_TYPE: 'postgresdb' }).storage).toBe('postgres');
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@h:5432/d' }).storage).toBe('postgres');
    expect(loadConfig({ DB_TYPE: 'json', DATABASE_URL: 'postgres://u:p@h/d' }).storage).toBe('json');
    const pg = loadConfig({ DB_TYPE: 'postgres', DB_POSTGRESDB_HOST: 'db', DB_POSTGRESDB_PORT: '6543', DB_POSTGRESDB_SSL: 'true' });
    expect(pg.postgres).toMatchObject({ host: 'db', port: 6543, ssl: true });
  });

  it('parses sizes and booleans', () => {
    expect(loadConfig({ MAX_BODY_SIZE: '512kb' }).maxBodySize).toBe(512 * 1024);
    expect(loadConfig({ MAX_BODY_SIZE: '2097152' }).maxBodySize).toBe(2097152);
    expect(loadConfig({ ALLOW_PRIVATE_NETWORKS: 'TRUE' }).allowPrivateNetworks).toBe(true);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example' }).corsOrigins).toEqual(['https://a.example', 'https://b.example']);
  });

  it.each([
    ['PORT', 'abc', /PORT must be an integer from 0 to 65535/],
    ['PORT', '70000', /PORT must be an integer/],
    ['MAX_CONCURRENT_EXECUTIONS', '0', /MAX_CONCURRENT_EXECUTIONS must be an integer from 1/],
    ['MAX_BODY_SIZE', 'lots', /MAX_BODY_SIZE must be a size/],
    ['ALLOW_PRIVATE_NETWORKS', 'maybe', /ALLOW_PRIVATE_NETWORKS must be true or false/],
    ['DB_TYPE', 'mysql', /DB_TYPE must be one of json, postgres/],
    ['DATABASE_URL', 'mysql://x', /DATABASE_URL must use one of the schemes/],
    ['API_KEY', 'short', /API_KEY must be 16 to 512 characters long/],
    ['API_KEY', 'has spaces in the key!!', /API_KEY must be printable ASCII without spaces/],
    ['BROWSER_WS_ENDPOINT', 'http://x', /BROWSER_WS_ENDPOINT must use one of the schemes ws:, wss:/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL must be one of/],
  ])('rejects %s=%s with one line naming the variable and the rule', (name, value, pattern) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(pattern);
    expect(message).toContain(name);
    expect(message.includes('\n')).toBe(false);
  });
});
