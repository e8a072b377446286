/** `{$name}` tokens (RUNNER §4.1), as far as validation needs to recognise them. */

const TOKEN = String.raw`\{\$[A-Za-z0-9_.]+\}`;
const TOKEN_RE = new RegExp(TOKEN);
const TOKENS_RE = new RegExp(TOKEN, 'g');
const LEADING_TOKEN_RE = new RegExp(`^${TOKEN}`);
const WRAPPED_RE = /^\{\$([A-Za-z0-9_.]+)\}$/;

export function hasTemplateToken(s: string): boolean {
  return TOKEN_RE.test(s);
}

export function startsWithTemplateToken(s: string): boolean {
  return LEADING_TOKEN_RE.test(s);
}

export function replaceTemplateTokens(s: string, replacement: string): string {
  return s.replace(TOKENS_RE, () => replacement);
}

/** `{$user.name}` → `user.name`; anything else unchanged (RUNNER §7 `set`, §6.1 `conditionVar`). */
export function stripTemplateWrapper(s: string): string {
  const m = WRAPPED_RE.exec(s.trim());
  return m ? m[1] : s.trim();
}
