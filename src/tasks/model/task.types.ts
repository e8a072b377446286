/**
 * The normalised task (RUNNER §2): what validateTask returns and what the tasks service stores
 * (after adding `id`, `createdAt`, `updatedAt` and encrypting secret variable values).
 */

export const TASK_MODES = ['agent', 'scrape', 'headful'] as const;
export type TaskMode = (typeof TASK_MODES)[number];

export const EXTRACTION_FORMATS = ['json', 'csv'] as const;
export type ExtractionFormat = (typeof EXTRACTION_FORMATS)[number];

export const STEALTH_KEYS = [
  'allowTypos',
  'idleMovements',
  'overscroll',
  'deadClicks',
  'fatigue',
  'naturalTyping',
  'cursorGlide',
  'randomizeClicks',
] as const;
export type StealthKey = (typeof STEALTH_KEYS)[number];
/** All eight flags are always present after normalisation; unknown keys are kept verbatim. */
export type StealthOptions = Record<StealthKey, boolean> & { [extra: string]: unknown };

// ---- variables (§2.2) ----

export const VARIABLE_TYPES = ['string', 'number', 'boolean', 'json'] as const;
export type VariableType = (typeof VARIABLE_TYPES)[number];
export const VARIABLE_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;
export const MAX_VARIABLE_NAME_LENGTH = 64;
export const MAX_VARIABLES = 200;
/** First segments that name runtime-map entries (RUNNER §4.2) and cannot be user variables. */
export const RESERVED_VARIABLE_ROOTS: readonly string[] = ['now', 'html', 'block', 'loop', 'error'];
/** Replaces secret variable values in every response (API §3). */
export const SECRET_MASK = '••••••••';

export interface VariableDefinition {
  type: VariableType;
  /** string → string, number → finite number, boolean → boolean, json → any JSON value. */
  value: unknown;
  secret?: boolean;
  /** `autoCreated` and any other keys are kept verbatim. */
  [extra: string]: unknown;
}
export type TaskVariables = Record<string, VariableDefinition>;

// ---- output (§2.3) ----

export const OUTPUT_PROVIDERS = ['baserow'] as const;
export type OutputProvider = (typeof OUTPUT_PROVIDERS)[number];
export const OUTPUT_ON_ERROR = ['fail', 'ignore'] as const;
export type OutputOnError = (typeof OUTPUT_ON_ERROR)[number];

export interface OutputConfig {
  provider: OutputProvider;
  credentialId: string;
  /** Digits only (a number on input is converted). */
  tableId: string;
  onError: OutputOnError;
  databaseId?: string | number;
  [extra: string]: unknown;
}

// ---- actions (§2.4, §7) ----

export const ACTION_TYPES = [
  'navigate',
  'click',
  'type',
  'hover',
  'press',
  'wait',
  'wait_selector',
  'wait_downloads',
  'scroll',
  'screenshot',
  'javascript',
  'csv',
  'merge',
  'set',
  'stop',
  'start',
  'http_request',
  'get_content',
  'select',
  'check',
  'uncheck',
  'reload',
  'drag_and_drop',
  'do_nothing',
  'if',
  'else',
  'end',
  'while',
  'repeat',
  'foreach',
  'on_error',
] as const;
export type CanonicalActionType = (typeof ACTION_TYPES)[number];

/** Aliases are stored as given; the runner works with canonicalType(type). */
export const ACTION_TYPE_ALIASES: Readonly<Record<string, CanonicalActionType>> = {
  goto: 'navigate',
  fill: 'type',
  noop: 'do_nothing',
  pass: 'do_nothing',
};

/** Upstream types this server deliberately does not implement (rejected at save). */
export const UNSUPPORTED_UPSTREAM_TYPES: readonly string[] = ['solve_captcha', 'wait_captcha', 'upload', 'finalize_uploads'];

const CANONICAL = new Set<string>(ACTION_TYPES);

/** Canonical type for a stored `type` (alias resolved), or null for an unknown type. */
export function canonicalType(type: string): CanonicalActionType | null {
  if (CANONICAL.has(type)) return type as CanonicalActionType;
  return Object.prototype.hasOwnProperty.call(ACTION_TYPE_ALIASES, type) ? ACTION_TYPE_ALIASES[type] : null;
}

export const OPENER_TYPES: ReadonlySet<CanonicalActionType> = new Set(['if', 'while', 'repeat', 'foreach', 'on_error']);
export const STRUCTURAL_TYPES: ReadonlySet<CanonicalActionType> = new Set([...OPENER_TYPES, 'else', 'end']);

export const CLICK_TYPES = ['single', 'double', 'right'] as const;
export const TYPE_MODES = ['replace', 'append'] as const;
export const WAIT_STATES = ['visible', 'attached', 'hidden', 'detached'] as const;
export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'] as const;
export type ClickType = (typeof CLICK_TYPES)[number];
export type TypeMode = (typeof TYPE_MODES)[number];
export type WaitState = (typeof WAIT_STATES)[number];
export type HttpMethod = (typeof HTTP_METHODS)[number];

/** RUNNER §6.1: operators per conditionVarType, default first. */
export const CONDITION_OPERATORS = {
  string: ['equals', 'not_equals', 'contains', 'starts_with', 'ends_with', 'matches'],
  number: ['equals', 'not_equals', 'gt', 'gte', 'lt', 'lte'],
  boolean: ['is_true', 'is_false'],
  selector: ['exists', 'not_exists'],
} as const;
export type ConditionVarType = keyof typeof CONDITION_OPERATORS;
export const CONDITION_VAR_TYPES = Object.keys(CONDITION_OPERATORS) as ConditionVarType[];
/** Accepted with every conditionVarType. */
export const UNIVERSAL_CONDITION_OPERATORS = ['exists', 'not_exists'] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[ConditionVarType][number];

export type HeaderValue = string | number | boolean;

/**
 * One action as stored. `type` is kept as given (aliases included). Optional fields are absent
 * when the client did not send them; their defaults (RUNNER §7, §8.2) are applied by the runner.
 * Enum fields may be `""`, which means the default.
 */
export interface TaskAction {
  id: string;
  type: string;
  disabled?: boolean;
  continueOnError?: boolean;
  /** Integer ms, 100–600000. */
  timeout?: number;
  selector?: string;
  targetSelector?: string;
  value?: string;
  key?: string;
  varName?: string;
  label?: string;
  clickType?: ClickType | '';
  typeMode?: TypeMode | '';
  secret?: boolean;
  fullPage?: boolean;
  method?: HttpMethod | '';
  /** Object, or a string holding a JSON object (kept as given). */
  headers?: Record<string, HeaderValue> | string;
  /** String, or an object/array sent as JSON. */
  body?: string | Record<string, unknown> | unknown[];
  duration?: number;
  state?: WaitState | '';
  maxIterations?: number;
  conditionVar?: string;
  conditionVarType?: ConditionVarType | '';
  conditionOp?: ConditionOperator | '';
  conditionValue?: string;
  [extra: string]: unknown;
}

// ---- the task (§2.1) ----

export interface NormalisedTask {
  /** Present when the client sent one; otherwise the tasks service assigns `task_<ULID>`. */
  id?: string;
  name: string;
  description?: string;
  url: string;
  mode: TaskMode;
  wait: number;
  selector: string;
  rotateUserAgents: boolean;
  rotateProxies: boolean;
  rotateViewport: boolean;
  humanTyping: boolean;
  stealth: StealthOptions;
  actions: TaskAction[];
  variables: TaskVariables;
  extractionScript: string;
  extractionFormat: ExtractionFormat;
  includeHtml: boolean;
  includeShadowDom: boolean;
  disableRecording: boolean;
  statelessExecution: boolean;
  output?: OutputConfig;
  timeoutSeconds: number;
  retryOnCrash: boolean;
  last_opened?: number;
  /** Set by the tasks service, never taken from input. */
  createdAt?: number;
  updatedAt?: number;
  /** Unknown top-level keys, kept verbatim. */
  [extra: string]: unknown;
}

export const TASK_LIMITS = {
  nameMax: 200,
  descriptionMax: 2000,
  urlMax: 4096,
  selectorMax: 2000,
  waitMax: 300,
  defaultTimeoutSeconds: 300,
  maxActions: 2000,
  actionIdMax: 128,
  actionTimeoutMin: 100,
  actionTimeoutMax: 600000,
  /** Bytes (UTF-8). */
  valueMaxBytes: 256 * 1024,
  extractionScriptMaxBytes: 256 * 1024,
  repeatCountMax: 100000,
  matchesPatternMax: 1000,
  taskIdMax: 128,
} as const;
