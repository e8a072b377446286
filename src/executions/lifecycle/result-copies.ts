/**
 * Full and compact result copies (API §4.7). Both are produced from the same object: the full copy
 * is capped at MAX_RESULT_BYTES (html shortened first, then links, then data → null); the compact
 * copy (record and webhook) keeps html ≤ 256 KiB, the last 500 log lines, ≤ 1000 links and data
 * only when its JSON is ≤ 1 MiB.
 */
import type { JsonObject, JsonValue } from '../../storage/ports/index.js';
import type { RunOutcome } from '../../runner/runner.types.js';

export const MAX_RESULT_LOG_LINES = 2000;
export const COMPACT_LIMITS = { htmlBytes: 256 * 1024, logLines: 500, links: 1000, dataBytes: 1024 * 1024 } as const;

/** Log lines of a run: the most recent lines kept, and how many there were in total. */
export interface RunLogs {
  lines: string[];
  total: number;
}

export interface ResultCopies {
  full: JsonObject;
  compact: JsonObject;
  /** The full copy differs from the compact one and must be stored separately. */
  separateFull: boolean;
}

export const omissionLine = (n: number): string => `… ${n} earlier lines omitted`;

/** The last `max` lines, preceded by the omission line when earlier lines were dropped. */
export function tailLogs(logs: RunLogs, max: number): string[] {
  const kept = logs.lines.slice(-max);
  const omitted = logs.total - kept.length;
  return omitted > 0 ? [omissionLine(omitted), ...kept] : kept;
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');
}

/** A JSON copy of `value` (undefined and unserialisable values → null). */
export function toJsonValue(value: unknown): JsonValue {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? null : (JSON.parse(text) as JsonValue);
  } catch {
    return null;
  }
}

/** The longest prefix of `text` whose UTF-8 encoding fits in `maxBytes` (never splits a character). */
export function cutUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  return new TextDecoder('utf-8').decode(Buffer.from(text, 'utf8').subarray(0, Math.max(0, maxBytes)), { stream: true });
}

const OPTIONAL_TAIL = ['title', 'url', 'is_partial', 'selector_used', 'links'] as const;

/** The result object of §4.7 in field order, without the two flags. */
export function baseResult(executionId: string, runId: string, outcome: RunOutcome, logs: RunLogs): JsonObject {
  const r: JsonObject = { executionId, runId, outcome: outcome.outcome, success: outcome.outcome === 'success' };
  if (outcome.outcome !== 'success') {
    if (outcome.error !== undefined) r.error = outcome.error;
    if (outcome.errorCode !== undefined) r.errorCode = outcome.errorCode;
  }
  r.final_url = outcome.final_url ?? '';
  r.data = toJsonValue(outcome.data);
  r.logs = tailLogs(logs, MAX_RESULT_LOG_LINES);
  r.screenshot_url = outcome.screenshot_url ?? null;
  r.recording_url = outcome.recording_url ?? null;
  if (typeof outcome.html === 'string') r.html = outcome.html;
  r.downloads = toJsonValue(outcome.downloads ?? []) ?? [];
  if (outcome.outputError !== undefined) r.outputError = toJsonValue(outcome.outputError);
  for (const key of OPTIONAL_TAIL) {
    const value = outcome[key];
    if (value !== undefined) r[key] = toJsonValue(value);
  }
  return r;
}

/** Shortens `html` until the object fits (or html is empty). */
function shrinkHtml(result: JsonObject, cap: number): void {
  for (let i = 0; i < 8 && typeof result.html === 'string' && result.html !== ''; i++) {
    const excess = jsonBytes(result) - cap;
    if (excess <= 0) return;
    const htmlBytes = Buffer.byteLength(result.html, 'utf8');
    result.html = cutUtf8(result.html, htmlBytes - excess - 64 * (i + 1));
  }
}

/** Keeps the longest prefix of `links` that lets the object fit. */
function shrinkLinks(result: JsonObject, cap: number): void {
  const links = result.links;
  if (!Array.isArray(links) || links.length === 0) return;
  let lo = 0;
  let hi = links.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    result.links = links.slice(0, mid);
    if (jsonBytes(result) <= cap) lo = mid;
    else hi = mid - 1;
  }
  result.links = links.slice(0, lo);
}

function fullCopy(base: JsonObject, cap: number): { copy: JsonObject; cut: boolean } {
  // The flags are measured too (their final values have the same length as these).
  const copy: JsonObject = { ...base, hasFullResult: false, truncated: false };
  if (jsonBytes(copy) <= cap) return { copy, cut: false };
  shrinkHtml(copy, cap);
  if (jsonBytes(copy) > cap) shrinkLinks(copy, cap);
  if (jsonBytes(copy) > cap) copy.data = null;
  return { copy, cut: true };
}

function compactCopy(base: JsonObject, logs: RunLogs): { copy: JsonObject; cut: boolean } {
  const copy: JsonObject = { ...base };
  let cut = false;
  if (typeof copy.html === 'string' && Buffer.byteLength(copy.html, 'utf8') > COMPACT_LIMITS.htmlBytes) {
    copy.html = cutUtf8(copy.html, COMPACT_LIMITS.htmlBytes);
    cut = true;
  }
  if (logs.total > COMPACT_LIMITS.logLines) {
    copy.logs = tailLogs(logs, COMPACT_LIMITS.logLines);
    cut = true;
  }
  if (Array.isArray(copy.links) && copy.links.length > COMPACT_LIMITS.links) {
    copy.links = copy.links.slice(0, COMPACT_LIMITS.links);
    cut = true;
  }
  if (copy.data !== null && jsonBytes(copy.data) > COMPACT_LIMITS.dataBytes) {
    copy.data = null;
    cut = true;
  }
  return { copy, cut };
}

export function buildResultCopies(base: JsonObject, logs: RunLogs, maxResultBytes: number): ResultCopies {
  const compact = compactCopy(base, logs);
  const full = fullCopy(base, maxResultBytes);
  const hasFullResult = compact.cut;
  return {
    full: { ...full.copy, hasFullResult, truncated: full.cut },
    compact: { ...compact.copy, hasFullResult, truncated: compact.cut },
    separateFull: compact.cut,
  };
}
