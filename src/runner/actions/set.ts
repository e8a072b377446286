/** `set`: RUNNER §7 (raw value or coerced text; dot paths). */
import { RunError } from '../run-error.js';
import { normalizeVarName, setValueOf } from '../values/set-path.js';
import type { ActionHandler } from './action-handler.js';

export const setAction: ActionHandler = {
  type: 'set',
  defaultTimeoutMs: null,
  describe: (ctx) => `Set ${normalizeVarName(String(ctx.action.varName ?? ''))}`,
  async run(ctx) {
    const name = normalizeVarName(String(ctx.action.varName ?? ''));
    if (name === '') throw new RunError('ACTION_FAILED', 'varName is empty');
    const value = setValueOf(String(ctx.action.value ?? ''), ctx.lookup);
    const stored = ctx.state.assign(name, value);
    ctx.info(`Set ${name}`);
    return { output: stored, message: `Set ${name}` };
  },
};
