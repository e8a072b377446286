/** `navigate` (`goto`): RUNNER §7. */
import { RunError } from '../run-error.js';
import { NAVIGATION_TIMEOUT_MS, type ActionHandler } from './action-handler.js';
import { checkNavigationUrl, navigationFailure } from './navigation-errors.js';

/** Absolute, or relative to the current page URL. */
export function resolveNavigationUrl(raw: string, base: string): string {
  const text = raw.trim();
  if (text === '') throw new RunError('INVALID_URL', 'URL is empty');
  try {
    return new URL(text, base === 'about:blank' || base === '' ? undefined : base).href;
  } catch {
    throw new RunError('INVALID_URL', `'${text}' is not a valid URL${base && base !== 'about:blank' ? ` (relative to ${base})` : ''}`);
  }
}

export const navigateAction: ActionHandler = {
  type: 'navigate',
  defaultTimeoutMs: NAVIGATION_TIMEOUT_MS,
  describe: (ctx) => `Navigate to ${ctx.text('value')}`,
  async run(ctx) {
    const url = resolveNavigationUrl(ctx.text('value'), ctx.page.url());
    await checkNavigationUrl(ctx, url);
    const navigation = ctx.services.navigation;
    try {
      if (navigation) await navigation.navigate(url, { timeoutMs: ctx.remainingMs(), signal: ctx.signal });
      else await ctx.page.goto(url, { waitUntil: 'domcontentloaded', timeout: ctx.remainingMs() });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      throw navigationFailure(error, url);
    }
    const finalUrl = ctx.page.url();
    ctx.info(`Navigated to ${finalUrl}`);
    return { output: finalUrl, message: `Navigated to ${finalUrl}` };
  },
};
