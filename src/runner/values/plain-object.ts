export type PlainObject = Record<string, unknown>;

/** A plain object: created by `{}`/JSON (prototype Object.prototype) or with a null prototype. */
export function isPlainObject(value: unknown): value is PlainObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
