import { afterAll, beforeAll, it } from '@jest/globals';
import { runActions, startHarness, type Harness } from './support/interpreter-harness.js';
let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });
it('x', async () => {
  const hop = await runActions(h, { actions: [{ type: 'navigate', value: `${h.site.url}/redirect?to=${encodeURIComponent('http://10.0.0.1/')}` }] });
  console.log(hop.result.error);
});
