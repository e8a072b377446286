import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './support/app-harness.js';

const COMMITTED = path.resolve('openapi.json');

/** DECISIONS #13: the OpenAPI document is committed and must not drift from the controllers. */
describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t.close());

  it('matches the committed openapi.json (regenerate with `npm run openapi:update`)', async () => {
    const res = await fetch(`${t.url}/api/docs-json`);
    expect(res.status).toBe(200);
    const live = (await res.json()) as Record<string, unknown>;
    if (process.env.FIGRANIUM_UPDATE_OPENAPI === '1') writeFileSync(COMMITTED, `${JSON.stringify(live, null, 2)}\n`);
    expect(existsSync(COMMITTED)).toBe(true);
    const committed = JSON.parse(readFileSync(COMMITTED, 'utf8')) as Record<string, unknown>;
    expect(live).toEqual(committed);
  });
});
