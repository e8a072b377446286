/** `javascript`: RUNNER §7, §7.1 (runs in the page; templated per §4.5). */
import { prepareScript } from '../script/prepare-script.js';
import type { ActionHandler } from './action-handler.js';

export const JAVASCRIPT_TIMEOUT_MS = 30_000;

export const javascriptAction: ActionHandler = {
  type: 'javascript',
  defaultTimeoutMs: JAVASCRIPT_TIMEOUT_MS,
  storesResult: true,
  describe: () => 'Run JavaScript in the page',
  async run(ctx) {
    const code = typeof ctx.action.value === 'string' ? ctx.action.value : String(ctx.action.value ?? '');
    const script = prepareScript(code, ctx.lookup);
    const result = await ctx.runScript(script, ctx.timeoutMs);
    ctx.info('JavaScript finished');
    return { output: result.value, message: 'JavaScript finished' };
  },
};
