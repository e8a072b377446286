import { describe, expect, it } from '@jest/globals';
import { notFound, DomainError } from '../../common/errors.js';
import type { BaserowClient, BaserowRow, PushOptions } from '../../credentials/baserow/baserow-client.js';
import { BaserowPushError } from '../../credentials/baserow/baserow-client.js';
import type { BaserowConnection } from '../../credentials/baserow/baserow-token.js';
import type { CredentialsService } from '../../credentials/credentials.service.js';
import type { AppLogger } from '../../logging/app-logger.js';
import type { OutputConfig } from '../../tasks/model/task.types.js';
import type { LogLevel } from '../runner.types.js';
import { BaserowOutputProvider } from './baserow/baserow-output.provider.js';
import { OutputPushError } from './output-provider.js';
import { OutputPushService } from './output-push.service.js';
import { OutputProviderRegistry } from './output-registry.js';

const CONN: BaserowConnection = { baseUrl: 'https://baserow.test', token: 'db-token-123456' };
const OUTPUT: OutputConfig = { provider: 'baserow', credentialId: 'cred_1', tableId: '42', onError: 'fail' };

class FakeClient {
  calls: Array<{ tableId: string | number; data: BaserowRow | BaserowRow[] }> = [];
  failure: unknown = null;
  async pushRows(_conn: BaserowConnection, tableId: string | number, data: BaserowRow | BaserowRow[], options: PushOptions = {}): Promise<{ rowsWritten: number }> {
    this.calls.push({ tableId, data });
    options.onRetry?.({ retry: 1, delayMs: 2000, cause: '429' });
    if (this.failure) throw this.failure;
    return { rowsWritten: Array.isArray(data) ? data.length : 1 };
  }
}

const silentLogger = { warn: () => undefined, error: () => undefined, info: () => undefined } as unknown as AppLogger;

function setup(credential: () => Promise<BaserowConnection> = async () => CONN) {
  const client = new FakeClient();
  const provider = new BaserowOutputProvider(client as unknown as BaserowClient);
  const registry = new OutputProviderRegistry([provider]);
  const credentials = { connection: credential } as unknown as CredentialsService;
  const service = new OutputPushService(registry, credentials, silentLogger);
  const lines: Array<[LogLevel, string]> = [];
  const secrets: string[] = [];
  const push = (data: unknown, output: OutputConfig = OUTPUT, signal = new AbortController().signal) =>
    service.push({ runId: 'run_1', data, output, signal, log: (level, message) => lines.push([level, message]), addSecret: (s) => secrets.push(s) });
  return { client, provider, push, lines, secrets };
}

describe('BaserowOutputProvider (RUNNER §14)', () => {
  it('pushes a plain object as one row', async () => {
    const { provider, client } = setup();
    await expect(provider.push({ a: 1 }, OUTPUT, CONN, new AbortController().signal)).resolves.toEqual({ rowsWritten: 1 });
    expect(client.calls).toEqual([{ tableId: '42', data: { a: 1 } }]);
  });

  it('pushes an array of plain objects and nothing for an empty array', async () => {
    const { provider, client } = setup();
    await expect(provider.push([{ a: 1 }, { a: 2 }], OUTPUT, CONN, new AbortController().signal)).resolves.toEqual({ rowsWritten: 2 });
    await expect(provider.push([], OUTPUT, CONN, new AbortController().signal)).resolves.toEqual({ rowsWritten: 0 });
    expect(client.calls).toHaveLength(1);
  });

  it.each([['a string', 'text'], ['a number', 3], ['an array with a primitive', [{ a: 1 }, 2]], ['an array of arrays', [[1]]], ['a boolean', true]])(
    'refuses %s with OUTPUT_INVALID_DATA without calling Baserow',
    async (_what, data) => {
      const { provider, client } = setup();
      const err = await provider.push(data, OUTPUT, CONN, new AbortController().signal).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OutputPushError);
      expect((err as OutputPushError).code).toBe('OUTPUT_INVALID_DATA');
      expect(client.calls).toHaveLength(0);
    },
  );

  it('maps an upstream failure with its status and the rows already written', async () => {
    const { provider, client } = setup();
    client.failure = new BaserowPushError(new DomainError('UPSTREAM_ERROR', 'Baserow answered HTTP 400', { upstreamStatus: 400, upstreamError: 'ERROR_X' }), 200);
    const err = (await provider.push([{ a: 1 }], OUTPUT, CONN, new AbortController().signal).catch((e: unknown) => e)) as OutputPushError;
    expect(err.toInfo()).toEqual({ code: 'UPSTREAM_ERROR', message: 'Baserow answered HTTP 400', upstreamStatus: 400, rowsWritten: 200 });
  });

  it('keeps PRIVATE_NETWORK_BLOCKED', async () => {
    const { provider, client } = setup();
    client.failure = new BaserowPushError(new DomainError('PRIVATE_NETWORK_BLOCKED', 'blocked'), 0);
    const err = (await provider.push({ a: 1 }, OUTPUT, CONN, new AbortController().signal).catch((e: unknown) => e)) as OutputPushError;
    expect(err.code).toBe('PRIVATE_NETWORK_BLOCKED');
    expect(err.toInfo()).toEqual({ code: 'PRIVATE_NETWORK_BLOCKED', message: 'blocked', rowsWritten: 0 });
  });
});

describe('OutputPushService', () => {
  it('logs the row count on success and registers the token as a secret', async () => {
    const { push, lines, secrets } = setup();
    await expect(push([{ a: 1 }, { a: 2 }, { a: 3 }])).resolves.toEqual({ ok: true, rowsWritten: 3 });
    expect(lines).toContainEqual(['info', 'Output: 3 rows written to baserow table 42']);
    expect(lines.some(([level, m]) => level === 'warn' && m.includes('retry 1'))).toBe(true);
    expect(secrets).toEqual([CONN.token]);
  });

  it('reports a deleted credential as CREDENTIAL_NOT_FOUND with an error log line', async () => {
    const { push, lines } = setup(async () => {
      throw notFound('CREDENTIAL_NOT_FOUND', 'credential', 'cred_1');
    });
    const out = await push({ a: 1 });
    expect(out).toEqual({ ok: false, error: { code: 'CREDENTIAL_NOT_FOUND', message: 'Credential cred_1 does not exist', rowsWritten: 0 } });
    expect(lines.filter(([level]) => level === 'error')).toHaveLength(1);
  });

  it('reports an unreadable credential as CREDENTIAL_NOT_FOUND', async () => {
    const { push } = setup(async () => {
      throw new Error('Value is not encrypted');
    });
    const out = await push({ a: 1 });
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.error.code).toBe('CREDENTIAL_NOT_FOUND');
  });

  it('reports an unknown provider as a failure, not an exception', async () => {
    const { push } = setup();
    const out = await push({ a: 1 }, { ...OUTPUT, provider: 'nope' as 'baserow' });
    expect(out.ok).toBe(false);
  });

  it('rethrows when the signal aborted', async () => {
    const { push, client } = setup();
    const controller = new AbortController();
    controller.abort(new Error('stopped'));
    client.failure = new Error('aborted request');
    await expect(push({ a: 1 }, OUTPUT, controller.signal)).rejects.toThrow('aborted request');
  });
});

describe('OutputProviderRegistry', () => {
  it('refuses two providers with one name', () => {
    const provider = new BaserowOutputProvider(new FakeClient() as unknown as BaserowClient);
    expect(() => new OutputProviderRegistry([provider, provider])).toThrow(/registered twice/);
  });
});
