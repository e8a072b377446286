import type { FieldError } from './errors.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const isUnsafe = (s: string) => s.includes('\u0000') || LONE_SURROGATE.test(s);
const MESSAGE = 'must not contain U+0000 or unpaired UTF-16 surrogates';
/** Deeper values are not walked; validateTask refuses them anyway. */
const MAX_DEPTH = 200;

/**
 * Strings (values and object keys) that not every storage provider can hold: PostgreSQL text and
 * jsonb refuse U+0000 and unpaired surrogates. Refusing them for every provider keeps both
 * providers storing the same thing. Iterative; reports at most `max` fields.
 */
export function unsafeTextFields(input: unknown, max = 20, rootField = 'task'): FieldError[] {
  const out: FieldError[] = [];
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value: input, path: '', depth: 0 }];
  while (stack.length > 0 && out.length < max) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (isUnsafe(value)) out.push({ field: path || rootField, message: MESSAGE });
      continue;
    }
    if (typeof value !== 'object' || value === null || depth >= MAX_DEPTH) continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i] as unknown, path: `${path}[${i}]`, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const childPath = path === '' ? key : `${path}.${key}`;
      if (isUnsafe(key)) {
        out.push({ field: childPath, message: `name ${MESSAGE}` });
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[key], path: childPath, depth: depth + 1 });
    }
  }
  return out;
}
