/**
 * Redacts a URL for logs and responses (API §4.8): userinfo removed, query replaced by `?…`.
 * Never throws; an unparsable input is cut at the first `?` and stripped of anything that looks
 * like userinfo.
 */
export function redactUrl(raw: string | URL): string {
  let url: URL;
  try {
    url = typeof raw === 'string' ? new URL(raw) : raw;
  } catch {
    return redactUnparsable(String(raw));
  }
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  bare.search = '';
  bare.hash = '';
  // Appended by hand: assigning `search` would percent-encode the ellipsis.
  const query = url.search === '' ? '' : '?…';
  return cap(`${bare.href}${query}${url.hash}`);
}

function redactUnparsable(text: string): string {
  const q = text.indexOf('?');
  const noQuery = q === -1 ? text : `${text.slice(0, q)}?…`;
  return cap(noQuery.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1'));
}

const MAX_LENGTH = 2048;

function cap(text: string): string {
  return text.length <= MAX_LENGTH ? text : `${text.slice(0, MAX_LENGTH)}…`;
}
