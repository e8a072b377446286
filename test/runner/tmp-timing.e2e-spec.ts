import { afterAll, beforeAll, it } from '@jest/globals';
import { runActions, startHarness, type Harness } from './support/interpreter-harness.js';
let h: Harness;
beforeAll(async () => { h = await startHarness(); });
afterAll(async () => { await h?.close(); });
it('timing', async () => {
  for (let k = 0; k < 2; k++) {
  const t0 = Date.now();
  const out = await runActions(h, { startPath: '/clicks.html', actions: [
    { type: 'click', selector: '#click-target' }, { type: 'click', selector: '#dbl-target', clickType: 'double' }, { type: 'hover', selector: '#click-target' }, {type:'type', selector: '#x', value:'a', timeout: 100, continueOnError: true}, {type:'set', varName:'a', value:'1'} ] });
  console.log(Date.now() - t0, out.durationMs, out.actionEvents().filter(e => e.durationMs !== undefined).map(e => `${e.actionId}:${e.durationMs}`).join(' '));
  }
});
