import { isPlainObject } from '../../common/plain-object.js';

export { isPlainObject };
/**
 * Low-level helpers for validating untrusted task input: type coercion (RUNNER §2.1) and
 * prototype-safe object access/construction (keys such as `__proto__` stay plain own data).
 */

export type PlainObject = Record<string, unknown>;

export function hasOwn(o: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** Own property value, never an inherited one (`constructor` on `{}` reads as undefined). */
export function getOwn(o: object, key: string): unknown {
  return hasOwn(o, key) ? (o as PlainObject)[key] : undefined;
}

/** Defines an own data property; `__proto__` becomes a plain key instead of changing a prototype. */
export function setOwn(o: PlainObject, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
}

/** Booleans, or the strings "true"/"false"/"1"/"0". undefined = not a boolean. */
export function toBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}

const NUMERIC_RE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** Finite numbers, or numeric strings (decimal notation). undefined = not a number. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const t = v.trim();
    if (!NUMERIC_RE.test(t)) return undefined;
    const n = Number(t);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function isNumericString(v: string): boolean {
  return toNumber(v) !== undefined;
}

/** Action string fields accept numbers (stored as strings). undefined = wrong type. */
export function toActionString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** null and "" mean "not given" for optional number and boolean fields. */
export function isBlankInput(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Deepest nesting accepted inside any free-form JSON value of a task. */
export const MAX_JSON_DEPTH = 100;

export type CloneResult = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Deep copy of a JSON value into fresh plain objects (own keys only, `__proto__` safe).
 * Iterative, so hostile nesting cannot overflow the stack. Rejects non-JSON values and
 * nesting deeper than `maxDepth`. Object properties whose value is `undefined` are dropped
 * (as JSON.stringify would).
 */
export function cloneJson(input: unknown, maxDepth = MAX_JSON_DEPTH): CloneResult {
  const primitive = (v: unknown): { ok: boolean; v?: unknown } => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return { ok: true, v };
    if (typeof v === 'number') return Number.isFinite(v) ? { ok: true, v } : { ok: false };
    return { ok: false };
  };
  if (typeof input !== 'object' || input === null) {
    const p = primitive(input);
    return p.ok ? { ok: true, value: p.v } : { ok: false, message: 'must be a JSON value' };
  }
  const root: PlainObject | unknown[] = Array.isArray(input) ? [] : {};
  const stack: Array<{ src: unknown; dst: PlainObject | unknown[]; depth: number }> = [{ src: input, dst: root, depth: 1 }];
  while (stack.length > 0) {
    const { src, dst, depth } = stack.pop()!;
    if (depth > maxDepth) return { ok: false, message: `is nested too deeply (more than ${maxDepth} levels)` };
    if (!Array.isArray(src) && !isPlainObject(src)) return { ok: false, message: 'must be a JSON value' };
    const entries: Array<[string, unknown]> = Array.isArray(src)
      ? src.map((v, i) => [String(i), v])
      : Object.keys(src).map((k) => [k, (src as PlainObject)[k]]);
    for (const [k, v] of entries) {
      if (v === undefined && !Array.isArray(src)) continue;
      let out: unknown;
      if (typeof v === 'object' && v !== null) {
        out = Array.isArray(v) ? [] : {};
        stack.push({ src: v, dst: out as PlainObject | unknown[], depth: depth + 1 });
      } else {
        const p = primitive(v);
        if (!p.ok) return { ok: false, message: 'must be a JSON value' };
        out = p.v;
      }
      if (Array.isArray(dst)) dst.push(out);
      else setOwn(dst, k, out);
    }
  }
  return { ok: true, value: root };
}
