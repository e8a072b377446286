/**
 * The interpreter (RUNNER §5): runs `task.actions` over the main page with a program counter,
 * the jump tables of block-structure.ts, a loop stack, the error handler, the step budget and
 * the failure policy of §8.1. Emits `action` and `log` events (masked).
 */
import type { Locator } from 'playwright';
import { canonicalType, OPENER_TYPES, type CanonicalActionType, type TaskAction } from '../../tasks/model/task.types.js';
import type { ActionResult } from '../actions/action-handler.js';
import { handlerFor } from '../actions/registry.js';
import { analyzeBlocks, type BlockTables } from '../block-structure.js';
import { sharedRegexMatcher, type RegexTester } from '../conditions/regex-matcher.js';
import { ActionPacing, HumanInput, humanOptionsFromTask } from '../human/human-input.js';
import { cleanedHtml } from '../page/cleaned-html.js';
import { RunError, type RunErrorCode } from '../run-error.js';
import { createLookup, oncePerName, type VariableLookup } from '../templating/lookup.js';
import { renderRaw, renderText } from '../templating/render.js';
import { normalizeVarName } from '../values/set-path.js';
import { childSignal, lateSignal, raceAbort } from './abort.js';
import { InterpreterActionContext } from './action-context.js';
import { evaluateCondition, whileIterationCap } from './conditions.js';
import { failureMessage, toRunError, UNHANDLEABLE_CODES } from './failure.js';
import type { InterpreterOptions, InterpretResult } from './interpreter.types.js';
import { iterationValue, repeatCount, selectorItems, valueItems, MAX_FOREACH_ITEMS, type LoopFrame } from './loops.js';
import { RunLog, type ActionRef } from './run-log.js';
import { RuntimeState, type ErrorValue } from './run-state.js';
import { runAbortKind } from './run-signal.js';

/** Extra time past an action's limit before the interpreter gives up on it (Playwright's own limits fire first). */
const WATCHDOG_GRACE_MS = 2000;
/** Page scripts may spend 5 s proving the page still answers after a timeout (§7.1). */
const SCRIPT_WATCHDOG_GRACE_MS = 7000;
/** How long an action that settles on abort (`start`) is still awaited after the run aborts. */
const ABORT_SETTLE_MS = 10_000;
const HTML_TOKEN = /\{\$html[.}]/;

export function stepBudget(actionCount: number, maxStepsPerRun?: number): number {
  return maxStepsPerRun !== undefined && maxStepsPerRun > 0 ? maxStepsPerRun : Math.max(10_000, 100 * actionCount);
}

type Step = InterpretResult | null;

/** What a failed action continues with when the failure is absorbed. */
type Resume = 'next' | 'skip-block' | 'condition-false';

export class Interpreter {
  private readonly actions: readonly TaskAction[];
  private readonly tables: BlockTables;
  private readonly log: RunLog;
  private readonly state: RuntimeState;
  private readonly human: HumanInput;
  private readonly regex: RegexTester;
  private readonly budget: number;
  private readonly secretNames: ReadonlySet<string>;
  private readonly crash: Promise<never> | null;
  private readonly warnUnknown: (name: string) => void;
  private currentActionId: string | null = null;

  private pc = 0;
  private steps = 0;
  private loops: LoopFrame[] = [];
  private readonly whileCounts = new Map<number, number>();
  private handler: { opener: number } | null = null;
  private runningHandler: { opener: number; original: RunError; message: string } | null = null;

  constructor(private readonly options: InterpreterOptions) {
    const { task } = options.request;
    this.actions = task.actions ?? [];
    const analysis = analyzeBlocks(this.actions);
    if (!analysis.ok) {
      throw new RunError('ENGINE_ERROR', `Invalid block structure: ${analysis.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`);
    }
    this.tables = analysis.tables;
    this.log = options.log ?? new RunLog(options.request.events, options.masker);
    this.state = new RuntimeState(options.request.inputs);
    this.human = options.human ?? new HumanInput(options.page, humanOptionsFromTask(task));
    this.regex = options.regex ?? sharedRegexMatcher();
    this.budget = stepBudget(this.actions.length, options.maxStepsPerRun);
    this.secretNames = new Set(Object.entries(task.variables ?? {}).filter(([, v]) => v?.secret === true).map(([name]) => name));
    this.warnUnknown = oncePerName((name) => this.log.warn(`Unknown variable {$${name}} renders as empty`, this.currentActionId));
    this.crash = options.crashed
      ? options.crashed.then((error) => {
          throw new RunError('BROWSER_CRASHED', `The browser page crashed: ${error.message}`);
        })
      : null;
    this.crash?.catch(() => undefined);
  }

  async run(): Promise<InterpretResult> {
    try {
      while (this.pc < this.actions.length) {
        if (this.options.signal.aborted) return this.aborted();
        this.steps++;
        if (this.steps > this.budget) {
          return this.end('failed', 'STEP_BUDGET_EXCEEDED', `Step budget of ${this.budget} steps exceeded`, false);
        }
        const done = await this.step();
        if (done) return done;
      }
      return this.end('completed');
    } catch (error) {
      if (this.options.signal.aborted) return this.aborted();
      const failure = toRunError(error, 'ENGINE_ERROR');
      const code: RunErrorCode = failure.code === 'BROWSER_CRASHED' ? 'BROWSER_CRASHED' : 'ENGINE_ERROR';
      return this.end('crashed', code, failure.message, false);
    }
  }

  // ---- dispatch ----

  private async step(): Promise<Step> {
    const index = this.pc;
    const action = this.actions[index];
    const type = typeof action?.type === 'string' ? canonicalType(action.type) : null;
    const ref: ActionRef = { id: String(action?.id ?? `#${index}`), index, type: String(action?.type ?? 'unknown') };
    this.currentActionId = ref.id;
    if (type === null) {
      return this.fail(index, ref, new RunError('ACTION_FAILED', `Unknown action type '${ref.type}'`), 0, 'next');
    }
    if (type === 'else') return this.onElse(index, ref);
    if (type === 'end') return this.onEnd(index, ref);
    if (action.disabled === true) {
      this.log.action(ref, 'skipped', OPENER_TYPES.has(type) ? 'Disabled: block skipped' : 'Disabled', 0);
      this.pc = OPENER_TYPES.has(type) ? this.endOf(index) + 1 : index + 1;
      return null;
    }
    switch (type) {
      case 'if':
        return this.onIf(index, action, ref);
      case 'while':
        return this.onWhile(index, action, ref);
      case 'repeat':
        return this.onRepeat(index, action, ref);
      case 'foreach':
        return this.onForeach(index, action, ref);
      case 'on_error':
        return this.onOnError(index, ref);
      default:
        return this.runAction(index, action, type, ref);
    }
  }

  // ---- plain actions ----

  private async runAction(index: number, action: TaskAction, type: CanonicalActionType, ref: ActionRef): Promise<Step> {
    const handler = handlerFor(type);
    if (!handler) return this.fail(index, ref, new RunError('ACTION_FAILED', `Action type '${type}' is not supported`), 0, 'next');
    const started = Date.now();
    const limit = handler.defaultTimeoutMs === null ? null : typeof action.timeout === 'number' ? action.timeout : handler.defaultTimeoutMs;
    const timeoutMs = Math.max(1, Math.min(limit ?? Number.MAX_SAFE_INTEGER, this.options.deadline - started));
    const grace = type === 'javascript' ? SCRIPT_WATCHDOG_GRACE_MS : WATCHDOG_GRACE_MS;
    const watchdog = childSignal(this.options.signal, limit === null ? null : timeoutMs + grace, () => new RunError('ACTION_TIMEOUT', `Action did not finish within ${timeoutMs} ms`));
    const settle = handler.settlesOnAbort ? lateSignal(watchdog.signal, ABORT_SETTLE_MS) : null;
    let result: ActionResult;
    let described = false;
    try {
      const ctx = await this.context(index, action, type, watchdog.signal, timeoutMs);
      this.log.action(ref, 'running', this.safe(() => handler.describe(ctx), type));
      described = true;
      result = await raceAbort(this.withCrash(handler.run(ctx)), settle?.signal ?? watchdog.signal);
      if (handler.storesResult && !result.keepOutput) this.storeVarName(action, result.output);
    } catch (error) {
      if (this.options.signal.aborted) {
        if (!described) this.log.action(ref, 'running', type);
        this.log.action(ref, 'error', runAbortKind(this.options.signal) === 'timeout' ? 'Abandoned: the run timed out' : 'Abandoned: the run was stopped', Date.now() - started);
        return this.aborted();
      }
      if (!described) this.log.action(ref, 'running', type);
      const failure = watchdog.signal.aborted && watchdog.signal.reason instanceof RunError ? watchdog.signal.reason : toRunError(error);
      return this.fail(index, ref, failure, Date.now() - started, 'next');
    } finally {
      settle?.dispose();
      watchdog.dispose();
    }
    if (!result.keepOutput) this.state.output = result.output;
    this.log.action(ref, 'success', result.message ?? 'Done', Date.now() - started);
    if (result.stop === 'success') return this.end('stop_success');
    if (result.stop === 'error') {
      return this.end('stop_error', 'STOP_ACTION', `${ref.type} action '${ref.id}' (#${index}) ended the run with error`, false);
    }
    this.pc = index + 1;
    return null;
  }

  private storeVarName(action: TaskAction, output: unknown): void {
    const varName = typeof action.varName === 'string' ? normalizeVarName(action.varName) : '';
    if (varName !== '') this.state.assign(varName, output);
  }

  // ---- control actions ----

  /** Evaluates an `if`/`while` condition into `output`; a Step when the run must end or jump instead. */
  private async evaluate(index: number, action: TaskAction, ref: ActionRef, started: number): Promise<boolean | Step> {
    this.log.action(ref, 'running', 'Evaluating condition');
    try {
      const result = await this.condition(index, action);
      this.state.output = result;
      return result;
    } catch (error) {
      if (this.options.signal.aborted) return this.aborted();
      return this.fail(index, ref, toRunError(error, 'CONDITION_FAILED'), Date.now() - started, 'condition-false');
    }
  }

  private async onIf(index: number, action: TaskAction, ref: ActionRef): Promise<Step> {
    const started = Date.now();
    const result = await this.evaluate(index, action, ref, started);
    if (typeof result !== 'boolean') return result;
    this.log.action(ref, 'success', `Condition is ${result}`, Date.now() - started);
    this.log.info(`if: condition is ${result}`, ref.id);
    this.pc = result ? index + 1 : this.falseBranch(index);
    return null;
  }

  private async onWhile(index: number, action: TaskAction, ref: ActionRef): Promise<Step> {
    const started = Date.now();
    const result = await this.evaluate(index, action, ref, started);
    if (typeof result !== 'boolean') return result;
    const done = this.whileCounts.get(index) ?? 0;
    const cap = whileIterationCap(action);
    if (!result) {
      this.whileCounts.delete(index);
      this.log.action(ref, 'success', `Condition is false: loop ends after ${done} iteration(s)`, Date.now() - started);
      this.pc = this.endOf(index) + 1;
    } else if (done >= cap) {
      this.whileCounts.delete(index);
      this.log.action(ref, 'success', `Condition is true, but the cap of ${cap} iterations is reached`, Date.now() - started);
      this.log.warn(`while loop stopped after ${cap} iterations (maxIterations reached)`, ref.id);
      this.pc = this.endOf(index) + 1;
    } else {
      this.whileCounts.set(index, done + 1);
      this.log.action(ref, 'success', `Condition is true: iteration ${done + 1}`, Date.now() - started);
      this.pc = index + 1;
    }
    return null;
  }

  private async onRepeat(index: number, action: TaskAction, ref: ActionRef): Promise<Step> {
    const started = Date.now();
    this.log.action(ref, 'running', 'Starting repeat');
    let count: number;
    try {
      const lookup = await this.lookupFor(action);
      count = repeatCount(renderText(String(action.value ?? ''), lookup));
    } catch (error) {
      if (this.options.signal.aborted) return this.aborted();
      return this.fail(index, ref, toRunError(error), Date.now() - started, 'skip-block');
    }
    return this.enterLoop(index, ref, { kind: 'repeat', opener: index, count, index: 0, items: [], selector: null, saved: this.state.loop }, started);
  }

  private async onForeach(index: number, action: TaskAction, ref: ActionRef): Promise<Step> {
    const started = Date.now();
    this.log.action(ref, 'running', 'Collecting items');
    let items: unknown[];
    let selector: string | null = null;
    try {
      const lookup = await this.lookupFor(action);
      const rendered = renderText(String(action.selector ?? ''), lookup);
      if (rendered.trim() !== '') {
        selector = rendered;
        const found = await raceAbort(this.withCrash(selectorItems(this.options.page, rendered)), this.options.signal);
        if (found.total > MAX_FOREACH_ITEMS) this.log.warn(`foreach: ${found.total} elements match; only the first ${MAX_FOREACH_ITEMS} are used`, ref.id);
        items = found.items;
      } else {
        const varName = typeof action.varName === 'string' ? normalizeVarName(action.varName) : '';
        const source = varName !== '' ? lookup.get(varName) : renderRaw(String(action.value ?? ''), lookup);
        const list = valueItems(source);
        if (list === null) {
          this.log.warn('foreach: the source is not an array; no items', ref.id);
          items = [];
        } else {
          if (list.length > MAX_FOREACH_ITEMS) this.log.warn(`foreach: ${list.length} items; only the first ${MAX_FOREACH_ITEMS} are used`, ref.id);
          items = list.slice(0, MAX_FOREACH_ITEMS);
        }
      }
    } catch (error) {
      if (this.options.signal.aborted) return this.aborted();
      return this.fail(index, ref, toRunError(error), Date.now() - started, 'skip-block');
    }
    return this.enterLoop(index, ref, { kind: 'foreach', opener: index, count: items.length, index: 0, items, selector, saved: this.state.loop }, started);
  }

  private enterLoop(index: number, ref: ActionRef, frame: LoopFrame, started: number): Step {
    if (frame.count === 0) {
      this.log.action(ref, 'success', frame.kind === 'repeat' ? 'Repeat count is 0' : 'No items', Date.now() - started);
      this.pc = this.endOf(index) + 1;
      return null;
    }
    this.loops.push(frame);
    this.applyIteration(frame);
    this.log.action(ref, 'success', `Iteration 1 of ${frame.count}`, Date.now() - started);
    this.pc = index + 1;
    return null;
  }

  private applyIteration(frame: LoopFrame): void {
    const { loop, output } = iterationValue(frame);
    this.state.loop = loop;
    this.state.output = output;
  }

  private onOnError(index: number, ref: ActionRef): Step {
    this.log.action(ref, 'running', 'Registering error handler');
    this.handler = { opener: index };
    this.log.action(ref, 'success', 'Error handler registered', 0);
    this.pc = this.endOf(index) + 1;
    return null;
  }

  private onElse(index: number, ref: ActionRef): Step {
    this.log.action(ref, 'running', 'End of the if branch');
    this.log.action(ref, 'success', 'Skipping the else branch', 0);
    this.pc = (this.tables.endOfElse.get(index) ?? index) + 1;
    return null;
  }

  private onEnd(index: number, ref: ActionRef): Step {
    const opener = this.tables.openerOf.get(index);
    const openerType = opener === undefined ? null : canonicalType(String(this.actions[opener].type));
    this.log.action(ref, 'running', `End of ${openerType ?? 'block'}`);
    if (opener === undefined || openerType === null || openerType === 'if') {
      this.log.action(ref, 'success', 'End of block', 0);
      this.pc = index + 1;
      return null;
    }
    if (openerType === 'while') {
      this.log.action(ref, 'success', 'Back to the while condition', 0);
      this.pc = opener;
      return null;
    }
    if (openerType === 'on_error') {
      this.log.action(ref, 'success', 'End of the error handler', 0);
      if (this.runningHandler?.opener === opener) {
        const { original, message } = this.runningHandler;
        this.log.info('Error handler finished; the run ends with the original error', ref.id);
        return this.end('failed', original.code, message, true);
      }
      this.pc = index + 1;
      return null;
    }
    const frame = this.loops.at(-1);
    if (!frame || frame.opener !== opener) {
      this.log.action(ref, 'success', 'End of loop', 0);
      this.pc = index + 1;
      return null;
    }
    frame.index++;
    if (frame.index < frame.count) {
      this.applyIteration(frame);
      this.log.action(ref, 'success', `Iteration ${frame.index + 1} of ${frame.count}`, 0);
      this.pc = opener + 1;
    } else {
      this.loops.pop();
      this.state.loop = frame.saved;
      this.log.action(ref, 'success', `Loop finished after ${frame.count} iteration(s)`, 0);
      this.pc = index + 1;
    }
    return null;
  }

  // ---- failure policy (§8.1, §5.10) ----

  private fail(index: number, ref: ActionRef, error: RunError, durationMs: number, resume: Resume): Step {
    this.log.action(ref, 'error', error.message, durationMs);
    if (UNHANDLEABLE_CODES.has(error.code)) {
      this.log.error(failureMessage(ref.type, ref.id, index, error.message), ref.id);
      return this.end('crashed', error.code === 'BROWSER_CRASHED' ? 'BROWSER_CRASHED' : 'ENGINE_ERROR', failureMessage(ref.type, ref.id, index, error.message), false);
    }
    const action = this.actions[index];
    const errorValue: ErrorValue = { message: error.message, code: error.code, actionId: ref.id, actionIndex: index, type: ref.type };
    if (action?.continueOnError === true) {
      this.log.warn(`${failureMessage(ref.type, ref.id, index, error.message)} (continueOnError: continuing)`, ref.id);
      this.state.output = null;
      this.state.error = errorValue;
      this.pc = this.resumeAt(index, resume);
      return null;
    }
    if (this.runningHandler) {
      this.log.error(`${failureMessage(ref.type, ref.id, index, error.message)} (inside the error handler: continuing)`, ref.id);
      this.state.output = null;
      this.pc = this.resumeAt(index, resume);
      return null;
    }
    const message = failureMessage(ref.type, ref.id, index, error.message);
    this.log.error(message, ref.id);
    if (this.handler) {
      this.state.error = errorValue;
      this.unwindLoops();
      this.runningHandler = { opener: this.handler.opener, original: error, message };
      this.log.info('Running the error handler', ref.id);
      this.pc = this.handler.opener + 1;
      return null;
    }
    return this.end('failed', error.code, message, true);
  }

  private resumeAt(index: number, resume: Resume): number {
    if (resume === 'next') return index + 1;
    if (resume === 'condition-false') {
      const type = canonicalType(String(this.actions[index].type));
      if (type === 'if') return this.falseBranch(index);
      this.whileCounts.delete(index);
    }
    return this.endOf(index) + 1;
  }

  private unwindLoops(): void {
    this.loops = [];
    this.state.loop = undefined;
    this.whileCounts.clear();
  }

  // ---- helpers ----

  private endOf(index: number): number {
    const end = this.tables.endOf.get(index);
    if (end === undefined) throw new RunError('ENGINE_ERROR', `No end for the block at #${index}`);
    return end;
  }

  private falseBranch(index: number): number {
    const elseIndex = this.tables.elseOf.get(index);
    return (elseIndex ?? this.endOf(index)) + 1;
  }

  private currentElement(): Locator | null {
    for (let k = this.loops.length - 1; k >= 0; k--) {
      const frame = this.loops[k];
      if (frame.kind === 'foreach' && frame.selector !== null) return this.options.page.locator(frame.selector).nth(frame.index);
    }
    return null;
  }

  /** Lookup for one action; the cleaned HTML is fetched once when the action references `{$html}`. */
  private async lookupFor(action: TaskAction): Promise<VariableLookup> {
    let html: string | undefined;
    if (HTML_TOKEN.test(JSON.stringify(action))) {
      html = await raceAbort(this.withCrash(cleanedHtml(this.options.page, this.options.request.task.includeShadowDom !== false)), this.options.signal);
    }
    return createLookup({ vars: this.state.vars, html: html === undefined ? undefined : () => html, onUnknown: this.warnUnknown });
  }

  private async context(index: number, action: TaskAction, type: CanonicalActionType, signal: AbortSignal, timeoutMs: number, paced = true): Promise<InterpreterActionContext> {
    const lookup = await this.lookupFor(action);
    const pacing = paced ? await this.human.beginAction(signal) : new ActionPacing(signal, 1);
    return new InterpreterActionContext({
      page: this.options.page,
      action,
      index,
      type,
      signal,
      timeoutMs,
      deadline: this.options.deadline,
      lookup,
      state: this.state,
      currentElement: this.currentElement(),
      human: this.human,
      pacing,
      services: this.options.services,
      request: this.options.request,
      masker: this.options.masker,
      log: this.log,
      includeShadowDom: this.options.request.task.includeShadowDom !== false,
    });
  }

  private async condition(index: number, action: TaskAction): Promise<boolean> {
    const type = canonicalType(String(action.type)) ?? 'if';
    const ctx = await this.context(index, action, type, this.options.signal, this.options.deadline - Date.now(), false);
    return raceAbort(
      this.withCrash(evaluateCondition(action, { page: this.options.page, lookup: ctx.lookup, regex: this.regex, runScript: (s, ms) => ctx.runScript(s, ms) })),
      this.options.signal,
    );
  }

  private withCrash<T>(promise: Promise<T>): Promise<T> {
    if (!this.crash) return promise;
    promise.catch(() => undefined);
    return Promise.race([promise, this.crash]);
  }

  private safe(describe: () => string, fallback: string): string {
    try {
      return describe();
    } catch {
      return fallback;
    }
  }

  private aborted(): InterpretResult {
    const kind = runAbortKind(this.options.signal) ?? 'stopped';
    return { ...this.base(), end: 'aborted', abort: kind, errorCode: kind === 'timeout' ? 'RUN_TIMEOUT' : 'STOPPED', actionFailure: false };
  }

  private end(end: InterpretResult['end'], code?: RunErrorCode, message?: string, actionFailure = false): InterpretResult {
    return {
      ...this.base(),
      end,
      ...(code ? { errorCode: code } : {}),
      ...(message ? { error: this.log.mask(message) } : {}),
      actionFailure,
    };
  }

  private base(): Omit<InterpretResult, 'end' | 'actionFailure'> {
    return { state: this.state, data: this.state.assignedData(this.secretNames), steps: this.steps };
  }
}

/** Runs the task's actions; never throws (see InterpretResult for how it ended). */
export async function interpret(options: InterpreterOptions): Promise<InterpretResult> {
  let interpreter: Interpreter;
  try {
    interpreter = new Interpreter(options);
  } catch (error) {
    const failure = toRunError(error, 'ENGINE_ERROR');
    const state = new RuntimeState(options.request.inputs);
    return { end: 'crashed', errorCode: 'ENGINE_ERROR', error: options.masker.mask(failure.message), actionFailure: false, state, data: null, steps: 0 };
  }
  return interpreter.run();
}

