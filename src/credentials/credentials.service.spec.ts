import { Writable } from 'node:stream';
import pino from 'pino';
import { Clock } from '../common/clock.js';
import type { SecretFileStore } from '../common/secret-file.store.js';
import type { AppConfig } from '../config/config.schema.js';
import { SecretBox } from '../crypto/secret-box.service.js';
import { DnsResolver, type ResolvedAddress } from '../network/dns-resolver.js';
import { UrlGuard } from '../network/url-guard.service.js';
import { CredentialRepository, type StoredCredential } from '../storage/ports/index.js';
import { CredentialsService } from './credentials.service.js';

class MemoryRepo extends CredentialRepository {
  readonly items = new Map<string, StoredCredential>();
  readonly gets: string[] = [];
  async list() {
    return [...this.items.values()].map((c) => structuredClone(c));
  }
  async get(id: string) {
    this.gets.push(id);
    const c = this.items.get(id);
    return c ? structuredClone(c) : null;
  }
  async save(c: StoredCredential) {
    this.items.set(c.id, structuredClone(c));
  }
  async delete(id: string) {
    return this.items.delete(id);
  }
}

class StepClock extends Clock {
  t = 1_700_000_000_000;
  now() {
    return (this.t += 1000);
  }
}

class PublicDns extends DnsResolver {
  async lookupAll(): Promise<ResolvedAddress[]> {
    return [{ address: '93.184.215.14', family: 4 }];
  }
}

async function makeService(secretKey = 'k'.repeat(40)) {
  const box = new SecretBox({ secretKey } as AppConfig, {} as SecretFileStore);
  await box.onModuleInit();
  const repo = new MemoryRepo();
  const logs: string[] = [];
  const logger = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _e, cb) => (logs.push(chunk.toString()), cb()) }));
  const service = new CredentialsService(repo, box, new UrlGuard({ allowPrivateNetworks: false }, new PublicDns()), new StepClock(), logger);
  return { service, repo, box, logs };
}

const TOKEN = 'db-token-0123456789-ABCD';
const input = (token = TOKEN) => ({ name: 'Main', provider: 'baserow' as const, config: { baseUrl: 'https://api.baserow.io/', token } });

describe('CredentialsService', () => {
  it('stores the token encrypted (SecretBox) and never in plaintext', async () => {
    const { service, repo, box, logs } = await makeService();
    const view = await service.create(input());
    const stored = repo.items.get(view.id)!;
    expect(box.isEncrypted(stored.config.tokenEnc)).toBe(true);
    expect(box.decrypt(stored.config.tokenEnc)).toBe(TOKEN);
    expect(JSON.stringify(stored)).not.toContain(TOKEN);
    expect(stored).toEqual({ id: view.id, name: 'Main', provider: 'baserow', config: { baseUrl: 'https://api.baserow.io', tokenEnc: expect.any(String) }, createdAt: view.createdAt, updatedAt: view.createdAt });
    expect(view.config.token).toBe('••••ABCD');
    expect(logs.join('')).not.toContain(TOKEN);
  });

  it('update keeps the token when omitted or equal to its redacted form, replaces it otherwise', async () => {
    const { service, repo } = await makeService();
    const { id } = await service.create(input());
    const firstEnc = repo.items.get(id)!.config.tokenEnc;
    await service.update(id, { name: 'Renamed' });
    await service.update(id, { config: { token: '••••ABCD' } });
    expect(repo.items.get(id)!.config.tokenEnc).toBe(firstEnc);
    expect((await service.connection(id)).token).toBe(TOKEN);
    const view = await service.update(id, { config: { token: 'another-token-WXYZ' } });
    expect(view.config.token).toBe('••••WXYZ');
    expect(await service.connection(id)).toEqual({ baseUrl: 'https://api.baserow.io', token: 'another-token-WXYZ' });
    expect(view.name).toBe('Renamed');
    expect(view.updatedAt).toBeGreaterThan(view.createdAt);
  });

  it('a token that cannot be decrypted (SECRET_KEY changed) is shown as "••••" and can be replaced', async () => {
    const first = await makeService('a'.repeat(40));
    const { id } = await first.service.create(input());
    const second = await makeService('b'.repeat(40));
    for (const c of first.repo.items.values()) await second.repo.save(c);
    expect((await second.service.list())[0].config.token).toBe('••••');
    // "••••" no longer matches anything: it is refused rather than stored as a token.
    await expect(second.service.update(id, { config: { token: '••••' } })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await second.service.update(id, { config: { token: 'fresh-token-1234' } });
    expect((await second.service.connection(id)).token).toBe('fresh-token-1234');
    expect(await second.service.secretValues()).toEqual(['fresh-token-1234']);
  });

  it('unknown and implausible ids → CREDENTIAL_NOT_FOUND; implausible ones are not looked up', async () => {
    const { service, repo } = await makeService();
    await expect(service.update('cred_nope', {})).rejects.toMatchObject({ code: 'CREDENTIAL_NOT_FOUND', details: { id: 'cred_nope' } });
    await expect(service.connection('bad\u0000id')).rejects.toMatchObject({ code: 'CREDENTIAL_NOT_FOUND' });
    await expect(service.remove('x'.repeat(201))).rejects.toMatchObject({ code: 'CREDENTIAL_NOT_FOUND' });
    expect(repo.gets).toEqual(['cred_nope']);
  });
});
