/**
 * Capture file names (API §6.1, RUNNER §11.6–11.7): `<runId>_<kind>_<ms>[_<suffix>][.<ext>]`.
 * Pure functions only; everything that touches a capture name goes through `parseCaptureName`.
 */

export const CAPTURE_KINDS = ['final', 'shot', 'rec', 'dl', 'agent', 'scrape'] as const;
export type CaptureKind = (typeof CAPTURE_KINDS)[number];
export type CaptureType = 'screenshot' | 'recording' | 'download';

export const MAX_CAPTURE_NAME_LENGTH = 255;
export const MAX_RUN_ID_LENGTH = 64;
export const MAX_DOWNLOAD_NAME_LENGTH = 120;
export const MAX_SHOT_LABEL_LENGTH = 24;

/** The exact pattern of API §6.1. */
export const CAPTURE_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}_(final|shot|rec|dl|agent|scrape)_[0-9]{13}(_[A-Za-z0-9._-]{1,150})?(\.(png|jpe?g|webm))?$/;

/**
 * Same language, with groups for parsing. The run id is matched lazily so the leftmost
 * `_<kind>_<13 digits>` marker wins when a download's original name happens to contain one.
 */
const PARSE_PATTERN = /^([A-Za-z0-9_-]{1,64}?)_(final|shot|rec|dl|agent|scrape)_([0-9]{13})(?:_([A-Za-z0-9._-]{1,150}))?(?:\.(png|jpe?g|webm))?$/;
const TRAILING_EXT = /\.(png|jpe?g|webm)$/;

export interface ParsedCaptureName {
  name: string;
  /** The sanitised run id the file belongs to. */
  runId: string;
  kind: CaptureKind;
  /** Creation time in epoch ms, from the name. */
  ms: number;
  /** Label (`shot`) or sanitised original file name with its extension (`dl`). */
  suffix?: string;
  /** Lower-case extension without the dot: png/jpg/jpeg/webm, or for downloads that of the suffix. */
  ext?: string;
  type: CaptureType;
}

/** Cheap checks first, so traversal attempts never reach the regex or the file system. */
function passesCharacterRules(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= MAX_CAPTURE_NAME_LENGTH &&
    !name.includes('/') &&
    !name.includes('\\') &&
    !name.includes('\0') &&
    !name.includes('..')
  );
}

/** Returns the parsed name, or null when the name is not a valid capture name (API §6.1). */
export function parseCaptureName(name: unknown): ParsedCaptureName | null {
  if (typeof name !== 'string' || !passesCharacterRules(name) || !CAPTURE_NAME_PATTERN.test(name)) return null;
  const m = PARSE_PATTERN.exec(name);
  if (!m) return null;
  const [, runId, kindText, msText, rawSuffix, regexExt] = m;
  const kind = kindText as CaptureKind;
  if (kind === 'dl' && rawSuffix === undefined) return null;
  // The whole tail after `_<ms>_` is the suffix as written; it obeys the suffix rule.
  const tail = name.slice(runId.length + kind.length + 2 + 13);
  if (tail.startsWith('_.')) return null;

  let suffix: string | undefined;
  let ext: string | undefined;
  if (kind === 'dl') {
    // A download's suffix is the whole original name, extension included (no extra `.ext`).
    suffix = tail.slice(1);
    ext = extensionOf(suffix);
  } else {
    ext = regexExt?.toLowerCase();
    suffix = rawSuffix;
    // The greedy suffix may have swallowed the extension: split it back off.
    if (ext === undefined && suffix !== undefined) {
      const trailing = TRAILING_EXT.exec(suffix);
      if (trailing && trailing.index > 0) {
        ext = trailing[1].toLowerCase();
        suffix = suffix.slice(0, trailing.index);
      }
    }
  }
  return { name, runId, kind, ms: Number(msText), suffix, ext, type: captureType(kind, ext) };
}

export function isValidCaptureName(name: unknown): name is string {
  return parseCaptureName(name) !== null;
}

/** API §6.1: `rec` or `.webm` → recording; `dl` → download; else screenshot. */
export function captureType(kind: CaptureKind, ext: string | undefined): CaptureType {
  if (kind === 'dl') return 'download';
  if (kind === 'rec' || ext === 'webm') return 'recording';
  return 'screenshot';
}

function extensionOf(fileName: string): string | undefined {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 && dot < fileName.length - 1 ? fileName.slice(dot + 1).toLowerCase() : undefined;
}

/** API §6.1: characters outside `[A-Za-z0-9_-]` become `-`, cut to 64 characters. */
export function sanitizeRunId(runId: string): string {
  return runId.replace(/[^A-Za-z0-9_-]/gu, '-').slice(0, MAX_RUN_ID_LENGTH);
}

/**
 * RUNNER §11.6: characters outside `[A-Za-z0-9._-]` → `_`, `..` collapsed, leading dots removed,
 * ≤ 120 characters (keeping a short extension when cutting), `download` when empty.
 */
export function sanitizeDownloadName(original: string): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9._-]/gu, '_').replace(/\.{2,}/g, '.').replace(/^\.+/, '');
  let name = clean(original);
  if (name.length > MAX_DOWNLOAD_NAME_LENGTH) {
    const ext = /\.[A-Za-z0-9_-]{1,16}$/.exec(name)?.[0] ?? '';
    name = clean(name.slice(0, MAX_DOWNLOAD_NAME_LENGTH - ext.length) + ext);
  }
  return name === '' ? 'download' : name;
}

/** RUNNER §7 `screenshot`: label sanitised to `[A-Za-z0-9_-]`, ≤ 24 characters; empty → no label. */
export function sanitizeShotLabel(label: string | null | undefined): string | undefined {
  if (label === null || label === undefined) return undefined;
  const clean = label.replace(/[^A-Za-z0-9_-]/gu, '_').slice(0, MAX_SHOT_LABEL_LENGTH);
  return clean === '' ? undefined : clean;
}

function msPart(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`capture time must be a non-negative integer (got ${ms})`);
  const text = String(ms).padStart(13, '0');
  if (text.length !== 13) throw new RangeError(`capture time does not fit 13 digits (got ${ms})`);
  return text;
}

function runIdPart(runId: string): string {
  const clean = sanitizeRunId(runId);
  if (clean === '') throw new RangeError('run id must not be empty');
  return clean;
}

function checked(name: string): string {
  if (!isValidCaptureName(name)) throw new RangeError(`built an invalid capture name: ${name}`);
  return name;
}

/** `<runId>_final_<ms>.png` (RUNNER §10.1). */
export function finalScreenshotName(runId: string, ms: number): string {
  return checked(`${runIdPart(runId)}_final_${msPart(ms)}.png`);
}

/** `<runId>_shot_<ms>[_<label>].png` (RUNNER §7 `screenshot`). */
export function screenshotName(runId: string, ms: number, label?: string | null): string {
  const clean = sanitizeShotLabel(label);
  return checked(`${runIdPart(runId)}_shot_${msPart(ms)}${clean ? `_${clean}` : ''}.png`);
}

/** `<runId>_rec_<ms>.webm`, `ms` = run start (RUNNER §11.7). */
export function recordingName(runId: string, ms: number): string {
  return checked(`${runIdPart(runId)}_rec_${msPart(ms)}.webm`);
}

/** `<runId>_dl_<ms>_<sanitised original name>` (RUNNER §11.6). */
export function downloadName(runId: string, ms: number, suggestedName: string): string {
  return checked(`${runIdPart(runId)}_dl_${msPart(ms)}_${sanitizeDownloadName(suggestedName)}`);
}
