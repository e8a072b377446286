export type PlainObject = Record<string, unknown>;

/**
 * A plain object: created by `{}`/JSON or with a null prototype. Realm-independent (objects from
 * `structuredClone` or another VM context have another realm's Object.prototype).
 */
export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null) return true;
  return Object.getPrototypeOf(proto) === null && Object.prototype.toString.call(value) === '[object Object]';
}
