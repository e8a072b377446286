/** `reload`: RUNNER §7. */
import { NAVIGATION_TIMEOUT_MS, type ActionHandler } from './action-handler.js';
import { navigationFailure } from './navigation-errors.js';

export const reloadAction: ActionHandler = {
  type: 'reload',
  defaultTimeoutMs: NAVIGATION_TIMEOUT_MS,
  describe: (ctx) => `Reload ${ctx.page.url()}`,
  async run(ctx) {
    const url = ctx.page.url();
    const navigation = ctx.services.navigation;
    try {
      if (navigation) await navigation.reload({ timeoutMs: ctx.remainingMs(), signal: ctx.signal });
      else await ctx.page.reload({ waitUntil: 'domcontentloaded', timeout: ctx.remainingMs() });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw navigationFailure(error, url);
    }
    const finalUrl = ctx.page.url();
    ctx.info(`Reloaded ${finalUrl}`);
    return { output: finalUrl, message: `Reloaded ${finalUrl}` };
  },
};
