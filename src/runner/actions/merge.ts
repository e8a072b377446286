/** `merge`: RUNNER §7. */
import { mergeSources } from '../values/merge.js';
import type { ActionHandler } from './action-handler.js';

export const mergeAction: ActionHandler = {
  type: 'merge',
  defaultTimeoutMs: null,
  storesResult: true,
  describe: (ctx) => `Merge ${String(ctx.action.value ?? '')}`,
  async run(ctx) {
    const merged = mergeSources(String(ctx.action.value ?? ''), ctx.lookup);
    const size = Array.isArray(merged) ? `${merged.length} item(s)` : 'an object';
    ctx.info(`Merged into ${size}`);
    return { output: merged, message: `Merged into ${size}` };
  },
};
