/** Where a Baserow call goes and with which token (plaintext; never logged). */
export interface BaserowConnection {
  /** Absolute http(s) URL without a trailing `/`. */
  baseUrl: string;
  token: string;
}

const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** JWT shaped: three base64url segments separated by dots, the first starting `eyJ` (API §8). */
export function isJwtShaped(token: string): boolean {
  return JWT_SHAPE.test(token);
}

/** `JWT <token>` for JWT-shaped tokens, else a database token: `Token <token>`. */
export function authorizationFor(token: string): string {
  return `${isJwtShaped(token) ? 'JWT' : 'Token'} ${token}`;
}
