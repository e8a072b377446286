/**
 * The runtime map of one run (RUNNER §4.2): user variables plus `block`, `loop` and `error`.
 * `now` and `html` are computed by the lookup, never stored.
 */
import { RESERVED_VARIABLE_ROOTS } from '../../tasks/model/task.types.js';
import { RunError, type RunErrorCode } from '../run-error.js';
import type { RuntimeMap } from '../templating/lookup.js';
import { normalizeVarName, setPath } from '../values/set-path.js';

export interface LoopValue {
  index: number;
  count: number;
  item: unknown;
  text: string;
  html: string;
}

export interface ErrorValue {
  message: string;
  code: RunErrorCode;
  actionId: string;
  actionIndex: number;
  type: string;
}

const RESERVED = new Set(RESERVED_VARIABLE_ROOTS);

export class RuntimeState {
  readonly vars: RuntimeMap = {};
  /** Top-level names written by `varName`, `set` or `merge` (RUNNER §10.4). */
  private readonly assigned = new Set<string>();

  constructor(inputs: Record<string, unknown>) {
    for (const [name, value] of Object.entries(inputs)) {
      if (!RESERVED.has(name.split('.')[0])) define(this.vars, name, value);
    }
    this.vars.block = { output: null };
  }

  get output(): unknown {
    return (this.vars.block as { output: unknown }).output;
  }

  set output(value: unknown) {
    this.vars.block = { output: value === undefined ? null : value };
  }

  get loop(): LoopValue | undefined {
    return this.vars.loop as LoopValue | undefined;
  }

  set loop(value: LoopValue | undefined) {
    if (value === undefined) delete this.vars.loop;
    else this.vars.loop = value;
  }

  get error(): ErrorValue | undefined {
    return this.vars.error as ErrorValue | undefined;
  }

  set error(value: ErrorValue | undefined) {
    if (value === undefined) delete this.vars.error;
    else this.vars.error = value;
  }

  /** Stores a value under a variable name or dot path (`varName`, `set`); fails on reserved names. */
  assign(varName: string, value: unknown): unknown {
    const path = normalizeVarName(varName);
    const root = path.split('.')[0];
    if (path === '') throw new RunError('ACTION_FAILED', 'Empty variable name');
    if (RESERVED.has(root)) throw new RunError('ACTION_FAILED', `'${root}' is a reserved name and cannot be assigned`);
    const stored = setPath(this.vars, path, value === undefined ? null : value);
    this.assigned.add(root);
    return stored;
  }

  /** User variables only (no `block`, `loop`, `error`): the inputs of a `start` child. */
  userVariables(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(this.vars)) {
      if (!RESERVED.has(name) && value !== undefined) define(out, name, value);
    }
    return out;
  }

  /**
   * `data` without an extraction script (RUNNER §10.4): the assigned variables' final values,
   * minus secret variables; null when none is left.
   */
  assignedData(secretNames: ReadonlySet<string>): Record<string, unknown> | null {
    const out: Record<string, unknown> = {};
    let any = false;
    for (const name of this.assigned) {
      if (secretNames.has(name) || !Object.hasOwn(this.vars, name)) continue;
      define(out, name, this.vars[name] === undefined ? null : this.vars[name]);
      any = true;
    }
    return any ? out : null;
  }

  /** The `vars` binding of page scripts (RUNNER §7.1): user variables, block, loop, error, `now`. */
  pageVars(now: string): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(this.vars)) if (value !== undefined) define(out, name, value);
    define(out, 'now', now);
    return out;
  }
}

// defineProperty so that a name like `__proto__` stays an ordinary own key.
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}
