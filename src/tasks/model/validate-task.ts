import type { FieldError } from '../../common/errors.js';
import { cloneJson, getOwn, isBlankInput, isPlainObject, setOwn, toBool, toNumber, utf8Bytes, type PlainObject } from './coerce.js';
import { FieldErrors } from './field-errors.js';
import { checkScriptSyntax } from './script-syntax.js';
import { replaceTemplateTokens, startsWithTemplateToken } from './template-tokens.js';
import {
  EXTRACTION_FORMATS,
  OUTPUT_ON_ERROR,
  OUTPUT_PROVIDERS,
  STEALTH_KEYS,
  TASK_LIMITS,
  TASK_MODES,
  type NormalisedTask,
  type OutputConfig,
  type StealthOptions,
  type TaskMode,
} from './task.types.js';
import { validateActions } from './validate-actions.js';
import { validateVariables } from './validate-variables.js';

export interface TaskValidationContext {
  /** MAX_TASK_BYTES: limit on the canonical JSON of the task. */
  maxTaskBytes: number;
  /** MAX_RUN_TIMEOUT_SECONDS: upper bound of `timeoutSeconds`. */
  maxRunTimeoutSeconds: number;
  /** Pre-fetched lookup (validation is synchronous). */
  credentialExists(id: string): boolean;
  /** Fills missing action ids; callers pass `() => newId('act')`. */
  newActionId(): string;
  /**
   * Ad-hoc run body (API §4.6): `id` ignored, `name` optional with a default, `mode` forced
   * to this value, `actions` may be a JSON string.
   */
  adhocMode?: 'agent' | 'scrape';
  /** Variables currently stored for this task (decrypted), for the secret-mask rule (API §3). */
  storedVariables?: unknown;
}

export type TaskValidationResult = { task: NormalisedTask } | { errors: FieldError[] };

/** Keys the service owns or that are never part of a task body: dropped from input. */
const IGNORED_KEYS = new Set(['createdAt', 'updatedAt', 'versions']);
const KNOWN_KEYS = new Set([
  'id', 'name', 'description', 'url', 'mode', 'wait', 'selector', 'rotateUserAgents', 'rotateProxies',
  'rotateViewport', 'humanTyping', 'stealth', 'actions', 'variables', 'extractionScript', 'extractionFormat',
  'includeHtml', 'includeShadowDom', 'disableRecording', 'statelessExecution', 'output', 'timeoutSeconds',
  'retryOnCrash', 'last_opened',
]);
const TASK_ID_RE = /^[A-Za-z0-9_.:-]+$/;

/**
 * Validates and normalises a task body (RUNNER §2, §5.1, §6, §7; API §3). Every problem is
 * reported with its field path; on success the task has all defaults filled. Never throws.
 */
export function validateTask(input: unknown, ctx: TaskValidationContext): TaskValidationResult {
  try {
    return validate(input, ctx);
  } catch {
    return { errors: [{ field: 'task', message: 'could not be validated (malformed input)' }] };
  }
}

function validate(input: unknown, ctx: TaskValidationContext): TaskValidationResult {
  if (!isPlainObject(input)) return { errors: [{ field: 'task', message: 'must be a JSON object' }] };
  const errors = new FieldErrors();
  const f = new Fields(input, errors);
  const out: PlainObject = {};

  if (!ctx.adhocMode) {
    const id = f.get('id');
    if (!isBlankInput(id)) {
      const problem = taskIdProblem(id);
      if (problem) errors.add('id', problem);
      else setOwn(out, 'id', id);
    }
  }
  const name = taskName(f.get('name'), errors, ctx.adhocMode);
  if (name !== undefined) setOwn(out, 'name', name);

  const description = f.string('description', undefined, TASK_LIMITS.descriptionMax);
  if (description) setOwn(out, 'description', description);

  const before = errors.count;
  const url = f.string('url', '', TASK_LIMITS.urlMax);
  const urlReadable = errors.count === before;
  const mode: TaskMode = ctx.adhocMode ?? f.oneOf('mode', TASK_MODES, 'agent');
  if (urlReadable) {
    const problem = url === '' && mode === 'scrape' ? 'is required in scrape mode' : urlProblem(url);
    if (problem) errors.add('url', problem);
  }
  setOwn(out, 'url', url);
  setOwn(out, 'mode', mode);
  setOwn(out, 'wait', f.number('wait', 0, 0, TASK_LIMITS.waitMax, false));
  setOwn(out, 'selector', f.string('selector', '', TASK_LIMITS.selectorMax) ?? '');
  for (const key of ['rotateUserAgents', 'rotateProxies', 'rotateViewport', 'humanTyping'] as const) {
    setOwn(out, key, f.bool(key, false));
  }
  setOwn(out, 'stealth', stealthOptions(f.get('stealth'), errors));

  let rawActions = f.get('actions');
  if (ctx.adhocMode && typeof rawActions === 'string') {
    try {
      rawActions = JSON.parse(rawActions);
    } catch {
      errors.add('actions', 'is a string that does not hold a JSON array');
      rawActions = [];
    }
  }
  setOwn(out, 'actions', validateActions(rawActions, errors, ctx.newActionId));
  setOwn(out, 'variables', validateVariables(f.get('variables'), errors, ctx.storedVariables));

  const script = f.string('extractionScript', '', Infinity) ?? '';
  if (utf8Bytes(script) > TASK_LIMITS.extractionScriptMaxBytes) {
    errors.add('extractionScript', `must be at most ${TASK_LIMITS.extractionScriptMaxBytes} bytes`);
  } else if (script.trim() !== '') {
    const problem = checkScriptSyntax(script);
    if (problem) errors.add('extractionScript', problem);
  }
  setOwn(out, 'extractionScript', script);
  const format = f.oneOf('extractionFormat', EXTRACTION_FORMATS, 'json');
  setOwn(out, 'extractionFormat', format);
  setOwn(out, 'includeHtml', f.bool('includeHtml', false));
  setOwn(out, 'includeShadowDom', f.bool('includeShadowDom', true));
  setOwn(out, 'disableRecording', f.bool('disableRecording', false));
  setOwn(out, 'statelessExecution', f.bool('statelessExecution', false));

  const output = outputConfig(f.get('output'), errors, ctx);
  if (output) {
    if (format === 'csv') errors.add('output', 'cannot be used together with extractionFormat "csv"');
    setOwn(out, 'output', output);
  }
  const maxTimeout = ctx.maxRunTimeoutSeconds;
  setOwn(out, 'timeoutSeconds', f.number('timeoutSeconds', Math.min(TASK_LIMITS.defaultTimeoutSeconds, maxTimeout), 1, maxTimeout, true));
  setOwn(out, 'retryOnCrash', f.bool('retryOnCrash', false));
  const lastOpened = f.number('last_opened', undefined, 0, Number.MAX_SAFE_INTEGER, true);
  if (lastOpened !== undefined) setOwn(out, 'last_opened', lastOpened);

  for (const key of Object.keys(input)) {
    if (KNOWN_KEYS.has(key) || IGNORED_KEYS.has(key)) continue;
    const copy = cloneJson(getOwn(input, key));
    if (copy.ok) setOwn(out, key, copy.value);
    else errors.add(key, copy.message);
  }

  checkSize(errors.count === 0 ? out : input, ctx.maxTaskBytes, errors);
  return errors.count > 0 ? { errors: errors.toArray() } : { task: out as NormalisedTask };
}

/** Typed readers for optional top-level fields; `null` (and `""` for numbers/booleans) = default. */
class Fields {
  constructor(
    private readonly input: PlainObject,
    private readonly errors: FieldErrors,
  ) {}

  get(key: string): unknown {
    return getOwn(this.input, key);
  }

  bool(key: string, def: boolean): boolean {
    const raw = this.get(key);
    if (isBlankInput(raw)) return def;
    const b = toBool(raw);
    if (b === undefined) this.errors.add(key, 'must be true or false');
    return b ?? def;
  }

  number<D extends number | undefined>(key: string, def: D, min: number, max: number, integer: boolean): number | D {
    const raw = this.get(key);
    if (isBlankInput(raw)) return def;
    const n = toNumber(raw);
    if (n === undefined || n < min || n > max || (integer && !Number.isInteger(n))) {
      this.errors.add(key, `must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
      return def;
    }
    return n;
  }

  string<D extends string | undefined>(key: string, def: D, max: number): string | D {
    const raw = this.get(key);
    if (raw === undefined || raw === null) return def;
    if (typeof raw !== 'string') {
      this.errors.add(key, 'must be a string');
      return def;
    }
    if (raw.length > max) {
      this.errors.add(key, `must be at most ${max} characters`);
      return def;
    }
    return raw;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], def: T): T {
    const raw = this.get(key);
    if (raw === undefined || raw === null) return def;
    if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) {
      this.errors.add(key, `must be one of ${allowed.join(', ')}`);
      return def;
    }
    return raw as T;
  }
}

/** Client-chosen task ids (API §1.1). */
export function taskIdProblem(id: unknown): string | null {
  if (typeof id !== 'string') return 'must be a string';
  if (id.length > TASK_LIMITS.taskIdMax) return `must be at most ${TASK_LIMITS.taskIdMax} characters`;
  if (!TASK_ID_RE.test(id)) return 'may contain only letters, digits and _ . : -';
  if (id.startsWith('.')) return 'must not start with a dot';
  return null;
}

function taskName(raw: unknown, errors: FieldErrors, adhocMode: 'agent' | 'scrape' | undefined): string | undefined {
  const fallback = adhocMode ? `Ad-hoc ${adhocMode}` : undefined;
  if (raw === undefined || raw === null) {
    if (!fallback) errors.add('name', 'is required');
    return fallback;
  }
  if (typeof raw !== 'string') {
    errors.add('name', 'must be a string');
    return fallback;
  }
  const name = raw.trim();
  if (name === '') {
    if (!fallback) errors.add('name', 'must not be empty');
    return fallback;
  }
  if (name.length > TASK_LIMITS.nameMax) {
    errors.add('name', `must be at most ${TASK_LIMITS.nameMax} characters`);
    return fallback;
  }
  return name;
}

/**
 * `""` or an absolute http(s) URL. `{$…}` tokens are replaced by `x` before the check; a URL
 * that starts with a token is not checked (it is checked at run admission once rendered).
 */
export function urlProblem(url: string): string | null {
  if (url === '' || startsWithTemplateToken(url.trim())) return null;
  let parsed: URL;
  try {
    parsed = new URL(replaceTemplateTokens(url, 'x'));
  } catch {
    return 'must be empty or an absolute http(s) URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'must use http or https';
  if (parsed.hostname === '') return 'must name a host';
  return null;
}

function stealthOptions(raw: unknown, errors: FieldErrors): StealthOptions {
  const out: PlainObject = {};
  for (const key of STEALTH_KEYS) setOwn(out, key, false);
  if (raw === undefined || raw === null) return out as StealthOptions;
  if (!isPlainObject(raw)) {
    errors.add('stealth', 'must be an object');
    return out as StealthOptions;
  }
  const readFlag = (key: string): boolean | undefined => {
    const v = getOwn(raw, key);
    if (isBlankInput(v)) return undefined;
    const b = toBool(v);
    if (b === undefined) errors.add(`stealth.${key}`, 'must be true or false');
    return b;
  };
  for (const key of STEALTH_KEYS) {
    const b = readFlag(key);
    if (b !== undefined) setOwn(out, key, b);
  }
  // Legacy name of cursorGlide; an explicit cursorGlide wins.
  const legacy = readFlag('humanCursor');
  if (legacy !== undefined && isBlankInput(getOwn(raw, 'cursorGlide'))) setOwn(out, 'cursorGlide', legacy);
  for (const key of Object.keys(raw)) {
    if ((STEALTH_KEYS as readonly string[]).includes(key) || key === 'humanCursor') continue;
    const copy = cloneJson(getOwn(raw, key));
    if (copy.ok) setOwn(out, key, copy.value);
    else errors.add(`stealth.${key}`, copy.message);
  }
  return out as StealthOptions;
}

function outputConfig(raw: unknown, errors: FieldErrors, ctx: TaskValidationContext): OutputConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) {
    errors.add('output', 'must be an object');
    return undefined;
  }
  const out: PlainObject = {};
  const provider = getOwn(raw, 'provider');
  if (isBlankInput(provider)) setOwn(out, 'provider', 'baserow');
  else if (typeof provider === 'string' && (OUTPUT_PROVIDERS as readonly string[]).includes(provider)) setOwn(out, 'provider', provider);
  else errors.add('output.provider', `must be one of ${OUTPUT_PROVIDERS.join(', ')}`);

  const credentialId = getOwn(raw, 'credentialId');
  if (isBlankInput(credentialId)) errors.add('output.credentialId', 'is required');
  else if (typeof credentialId !== 'string') errors.add('output.credentialId', 'must be a string');
  else if (!ctx.credentialExists(credentialId)) errors.add('output.credentialId', `no credential with id '${credentialId.slice(0, 128)}'`);
  else setOwn(out, 'credentialId', credentialId);

  const tableId = getOwn(raw, 'tableId');
  if (isBlankInput(tableId)) errors.add('output.tableId', 'is required');
  else if (typeof tableId === 'number' && Number.isSafeInteger(tableId) && tableId >= 0) setOwn(out, 'tableId', String(tableId));
  else if (typeof tableId === 'string' && /^\d{1,20}$/.test(tableId)) setOwn(out, 'tableId', tableId);
  else errors.add('output.tableId', 'must contain digits only');

  const onError = getOwn(raw, 'onError');
  if (isBlankInput(onError)) setOwn(out, 'onError', 'fail');
  else if (typeof onError === 'string' && (OUTPUT_ON_ERROR as readonly string[]).includes(onError)) setOwn(out, 'onError', onError);
  else errors.add('output.onError', `must be one of ${OUTPUT_ON_ERROR.join(', ')}`);

  const databaseId = getOwn(raw, 'databaseId');
  if (databaseId !== undefined && databaseId !== null) {
    if (typeof databaseId === 'string' || (typeof databaseId === 'number' && Number.isSafeInteger(databaseId))) setOwn(out, 'databaseId', databaseId);
    else errors.add('output.databaseId', 'must be a string or an integer');
  }
  for (const key of Object.keys(raw)) {
    if (['provider', 'credentialId', 'tableId', 'onError', 'databaseId'].includes(key)) continue;
    const copy = cloneJson(getOwn(raw, key));
    if (copy.ok) setOwn(out, key, copy.value);
    else errors.add(`output.${key}`, copy.message);
  }
  return out as OutputConfig;
}

/** Canonical JSON size of the task (field `task`); unserialisable input is reported there too. */
function checkSize(task: unknown, maxBytes: number, errors: FieldErrors): void {
  let json: string;
  try {
    json = JSON.stringify(task);
  } catch {
    errors.add('task', 'cannot be serialised as JSON (too deeply nested or not JSON)');
    return;
  }
  const bytes = utf8Bytes(json);
  if (bytes > maxBytes) errors.add('task', `is ${bytes} bytes as JSON; the limit is ${maxBytes}`);
}
