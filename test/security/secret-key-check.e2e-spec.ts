// DECISIONS #11: a changed SECRET_KEY must stop the boot, not fail requests one by one later.
import { afterEach, describe, expect, it } from '@jest/globals';
import { SecretKeyMismatchError } from '../../src/crypto/secret-key-check.service.js';
import { startTestApp, type TestApp } from '../support/app-harness.js';
import { STORAGE_PROVIDERS } from '../support/storage-matrix.js';

describe.each(STORAGE_PROVIDERS)('%s storage: SECRET_KEY check at boot', (storage) => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0).reverse()) await app.close();
  });

  it('boots again with the same key, and refuses to boot with another one', async () => {
    const first = await startTestApp({ storage, env: { SECRET_KEY: 'first-secret-key-0123456789-abcdefghij' } });
    apps.push(first);
    const created = await fetch(`${first.url}/api/credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': first.apiKey },
      // A public IP literal passes the SSRF guard without DNS; nothing is ever fetched from it.
      body: JSON.stringify({ name: 'b', provider: 'baserow', config: { baseUrl: 'https://93.184.215.14', token: 'tok-planted-0123456789' } }),
    });
    expect(created.status).toBe(201);
    apps.pop();
    await first.close({ keepData: true });

    const env = { ...first.storageEnv, API_KEY: 'restart-test-key-0123456789' };
    await expect(startTestApp({ storage, dataDir: first.dataDir, env: { ...env, SECRET_KEY: 'another-secret-key-0123456789-abcdefgh' } })).rejects.toThrow(SecretKeyMismatchError);

    const again = await startTestApp({ storage, dataDir: first.dataDir, env: { ...env, SECRET_KEY: 'first-secret-key-0123456789-abcdefghij' } });
    apps.push(again);
    const res = await fetch(`${again.url}/api/credentials`, { headers: { 'x-api-key': again.apiKey } });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).not.toContain('tok-planted-0123456789');
  });
});
