import { ValidationFailedError } from '../common/errors.js';
import type { UrlGuard } from '../network/url-guard.service.js';

const FIELD = 'config.baseUrl';

/**
 * Parses, normalises and SSRF-checks (with DNS) a credential `baseUrl` (API §8, §1.9).
 * Returns `<scheme>://<host[:port]><path>` with trailing `/` removed. Throws INVALID_URL,
 * PRIVATE_NETWORK_BLOCKED, or VALIDATION_FAILED for user info, a query or a fragment (they
 * could not be combined with the Baserow paths, and user info would be shown in responses).
 */
export async function checkedBaseUrl(guard: UrlGuard, raw: string): Promise<string> {
  const url = guard.parse(raw);
  if (url.username !== '' || url.password !== '') {
    throw new ValidationFailedError([{ field: FIELD, message: 'must not contain a user name or password (put the token in config.token)' }]);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new ValidationFailedError([{ field: FIELD, message: 'must not contain a query string or fragment' }]);
  }
  const normalised = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  await guard.check(normalised);
  return normalised;
}
