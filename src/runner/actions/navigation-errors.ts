/** Failure codes of navigations (RUNNER §7 `navigate`/`reload`, §11.8). */
import { redactUrl } from '../../network/url-redaction.js';
import { UrlRefusedError } from '../../network/url-refused.error.js';
import { cleanErrorMessage, isCrashError } from '../interpreter/failure.js';
import { RunError } from '../run-error.js';
import type { ActionContext } from './action-handler.js';

/** The guard's route handler aborts blocked requests with `blockedbyclient`. */
const BLOCKED = /ERR_BLOCKED_BY_CLIENT/;

export function navigationFailure(error: unknown, rawUrl: string): RunError {
  if (error instanceof RunError) return error;
  const url = redactUrl(rawUrl);
  const reason = cleanErrorMessage(error);
  if (isCrashError(error)) return new RunError('BROWSER_CRASHED', reason, { cause: error });
  if (BLOCKED.test(reason)) {
    return new RunError('PRIVATE_NETWORK_BLOCKED', `Navigation to ${url} was blocked by the network guard (${reason})`, { cause: error });
  }
  return new RunError('NAVIGATION_FAILED', `Navigation to ${url} failed: ${reason}`, { cause: error });
}

/** Checks a URL with the SSRF guard before the browser goes there. */
export async function checkNavigationUrl(ctx: ActionContext, url: string): Promise<void> {
  try {
    await ctx.services.urlGuard.check(url);
  } catch (error) {
    if (error instanceof UrlRefusedError) {
      const code = error.code === 'PRIVATE_NETWORK_BLOCKED' ? 'PRIVATE_NETWORK_BLOCKED' : 'INVALID_URL';
      throw new RunError(code, error.message, { cause: error });
    }
    throw error;
  }
}
