/** `do_nothing` (`noop`, `pass`): RUNNER §7. */
import type { ActionHandler } from './action-handler.js';

export const doNothingAction: ActionHandler = {
  type: 'do_nothing',
  defaultTimeoutMs: null,
  describe: () => 'Do nothing',
  async run(ctx) {
    ctx.info('Do nothing');
    return { keepOutput: true, message: 'Do nothing' };
  },
};
