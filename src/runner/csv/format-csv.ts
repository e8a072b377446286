/** Conversion of a run's `data` to CSV for `extractionFormat: "csv"` (RUNNER.md §10.5). */
import { isPlainObject } from '../values/plain-object.js';

const NEEDS_QUOTES = /["\r\n,]|^\s|\s$/;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value) ?? '';
  return String(value);
}

export function formatCell(value: unknown): string {
  const text = cellText(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function formatRows(rows: readonly (readonly unknown[])[]): string {
  return rows.map((row) => row.map(formatCell).join(',') + '\r\n').join('');
}

function objectRows(objects: readonly Record<string, unknown>[]): string {
  const header: string[] = [];
  const seen = new Set<string>();
  for (const object of objects) {
    for (const key of Object.keys(object)) {
      if (!seen.has(key)) {
        seen.add(key);
        header.push(key);
      }
    }
  }
  const rows = objects.map((object) => header.map((key) => (Object.hasOwn(object, key) ? object[key] : undefined)));
  return formatRows([header, ...rows]);
}

function arrayRows(items: readonly unknown[]): string {
  if (items.length === 0) return '';
  if (items.every(isPlainObject)) return objectRows(items);
  if (items.every(Array.isArray)) return formatRows(items as unknown[][]);
  // Primitives (and, as a decision, mixed arrays): one value per row.
  return formatRows(items.map((item) => [item]));
}

function parseStructured(text: string): unknown {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `null`/`undefined` → `""`; a string holding a JSON array/object is converted, other strings
 * are returned as they are; an object → header + one row; arrays per §10.5. Other primitives
 * (numbers, booleans) → `String(value)`, like strings. Rows end with CRLF.
 */
export function formatCsv(data: unknown): string {
  if (data === null || data === undefined) return '';
  let value: unknown = data;
  if (typeof value === 'string') {
    const parsed = parseStructured(value);
    if (parsed === undefined) return value;
    value = parsed;
  }
  if (Array.isArray(value)) return arrayRows(value);
  if (isPlainObject(value)) return objectRows([value]);
  return cellText(value);
}
