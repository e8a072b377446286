const MASK = '••••';

/** API §8: `"••••"` + the last 4 characters, or `"••••"` alone when shorter than 12 characters. */
export function redactToken(token: string): string {
  return token.length < 12 ? MASK : MASK + token.slice(-4);
}

/** Baserow tokens go into an HTTP header: printable ASCII, no spaces. */
export function isUsableToken(token: string): boolean {
  return /^[\x21-\x7e]+$/.test(token);
}
