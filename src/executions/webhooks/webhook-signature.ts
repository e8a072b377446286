import { createHmac } from 'node:crypto';

/**
 * `X-Figranium-Signature` (API §4.8): `t=<unix seconds>,v1=<lowercase hex HMAC-SHA256 of
 * "<t>.<raw body>">`, keyed with the webhook secret.
 */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  const hex = createHmac('sha256', secret).update(`${unixSeconds}.`).update(body, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${hex}`;
}
