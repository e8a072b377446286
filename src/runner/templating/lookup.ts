/**
 * Variable lookup against the runtime map (RUNNER.md §4.2–4.3).
 * `now` and `html` are computed through callbacks; everything else is read from the map.
 */
import { isPlainObject } from '../values/plain-object.js';

/** The run's variable map. Entries whose value is `undefined` count as absent. */
export type RuntimeMap = Record<string, unknown>;

export type Resolution = { found: true; value: unknown } | { found: false; value: undefined };

export interface LookupOptions {
  vars: RuntimeMap;
  /** Current time as ISO-8601 UTC; defaults to `new Date().toISOString()`. */
  now?: () => string;
  /**
   * Cleaned HTML of the main page. Lookup is synchronous, so the caller fetches the HTML
   * beforehand when a template references `html` (see `templateNames`) and caches it per action.
   * Without this callback `html` is looked up in the map like any other name.
   */
  html?: () => unknown;
  /** Called each time a template references an unknown name; the caller dedupes per run. */
  onUnknown?: (name: string) => void;
}

export interface VariableLookup {
  /** §4.3 resolution without side effects. */
  resolve(name: string): Resolution;
  /** Resolution for templates: an unknown name is reported through `onUnknown` and gives `undefined`. */
  get(name: string): unknown;
}

const NOT_FOUND: Resolution = { found: false, value: undefined };
const ARRAY_INDEX = /^(?:0|[1-9][0-9]*)$/;

function step(container: unknown, segment: string): Resolution {
  if (Array.isArray(container)) {
    if (!ARRAY_INDEX.test(segment)) return NOT_FOUND;
    const index = Number(segment);
    if (index >= container.length) return NOT_FOUND;
    const value: unknown = container[index];
    return value === undefined ? NOT_FOUND : { found: true, value };
  }
  if (isPlainObject(container) && Object.hasOwn(container, segment)) {
    const value = container[segment];
    return value === undefined ? NOT_FOUND : { found: true, value };
  }
  return NOT_FOUND;
}

function mapEntry(vars: RuntimeMap, key: string): Resolution {
  if (!Object.hasOwn(vars, key)) return NOT_FOUND;
  const value = vars[key];
  return value === undefined ? NOT_FOUND : { found: true, value };
}

function walk(start: unknown, segments: readonly string[]): Resolution {
  let current: Resolution = { found: true, value: start };
  for (const segment of segments) {
    current = step(current.value, segment);
    if (!current.found) return NOT_FOUND;
  }
  return current;
}

export function resolveName(name: string, options: LookupOptions): Resolution {
  if (name === 'now') return { found: true, value: (options.now ?? defaultNow)() };
  if (name === 'html' && options.html) {
    const value = options.html();
    return value === undefined ? NOT_FOUND : { found: true, value };
  }
  const { vars } = options;
  const segments = name.split('.');
  const direct = mapEntry(vars, segments[0]);
  if (direct.found) {
    const walked = walk(direct.value, segments.slice(1));
    if (walked.found) return walked;
  }
  // Literal dotted keys (a variable named e.g. "user.name"), longest first.
  for (let k = segments.length - 1; k >= 1; k--) {
    const key = segments.slice(0, k + 1).join('.');
    const entry = mapEntry(vars, key);
    if (!entry.found) continue;
    const walked = walk(entry.value, segments.slice(k + 1));
    if (walked.found) return walked;
  }
  return NOT_FOUND;
}

function defaultNow(): string {
  return new Date().toISOString();
}

export function createLookup(options: LookupOptions): VariableLookup {
  return {
    resolve: (name) => resolveName(name, options),
    get: (name) => {
      const resolution = resolveName(name, options);
      if (!resolution.found) options.onUnknown?.(name);
      return resolution.value;
    },
  };
}

/** Wraps a warning sink so each unknown name is reported at most once (per run: one per run). */
export function oncePerName(report: (name: string) => void): (name: string) => void {
  const seen = new Set<string>();
  return (name) => {
    if (seen.has(name)) return;
    seen.add(name);
    report(name);
  };
}

/** Every name resolves to `""`: used to check scripts at save time ("substitution with empty values"). */
export const EMPTY_VALUE_LOOKUP: VariableLookup = {
  resolve: () => ({ found: true, value: '' }),
  get: () => '',
};
