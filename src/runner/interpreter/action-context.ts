/** The ActionContext the interpreter hands to each action handler. */
import type { Locator, Page } from 'playwright';
import type { CanonicalActionType, TaskAction } from '../../tasks/model/task.types.js';
import type { ActionContext, ActionServices } from '../actions/action-handler.js';
import type { ActionPacing, HumanInput } from '../human/human-input.js';
import { runPageScript, type PageScriptResult } from '../page-script/run-page-script.js';
import type { SecretMasker } from '../redaction/secret-masker.js';
import type { CaptureInfo, RunRequest } from '../runner.types.js';
import type { PreparedScript } from '../script/prepare-script.js';
import type { VariableLookup } from '../templating/lookup.js';
import { renderRaw, renderText } from '../templating/render.js';
import type { RunLog } from './run-log.js';
import type { RuntimeState } from './run-state.js';

export interface ActionContextInit {
  page: Page;
  action: TaskAction;
  index: number;
  type: CanonicalActionType;
  signal: AbortSignal;
  timeoutMs: number;
  deadline: number;
  lookup: VariableLookup;
  state: RuntimeState;
  currentElement: Locator | null;
  human: HumanInput;
  pacing: ActionPacing;
  services: ActionServices;
  request: RunRequest;
  masker: SecretMasker;
  log: RunLog;
  includeShadowDom: boolean;
}

function fieldSource(action: TaskAction, field: string): string | undefined {
  const value = action[field];
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export class InterpreterActionContext implements ActionContext {
  readonly page: Page;
  readonly action: TaskAction;
  readonly index: number;
  readonly type: CanonicalActionType;
  readonly signal: AbortSignal;
  readonly timeoutMs: number;
  readonly deadline: number;
  readonly lookup: VariableLookup;
  readonly state: RuntimeState;
  readonly currentElement: Locator | null;
  readonly human: HumanInput;
  readonly pacing: ActionPacing;
  readonly services: ActionServices;
  readonly request: RunRequest;
  readonly masker: SecretMasker;
  private readonly log: RunLog;
  private readonly includeShadowDom: boolean;
  private readonly actionDeadline: number;

  constructor(init: ActionContextInit) {
    this.page = init.page;
    this.action = init.action;
    this.index = init.index;
    this.type = init.type;
    this.signal = init.signal;
    this.timeoutMs = init.timeoutMs;
    this.deadline = init.deadline;
    this.lookup = init.lookup;
    this.state = init.state;
    this.currentElement = init.currentElement;
    this.human = init.human;
    this.pacing = init.pacing;
    this.services = init.services;
    this.request = init.request;
    this.masker = init.masker;
    this.log = init.log;
    this.includeShadowDom = init.includeShadowDom;
    this.actionDeadline = Math.min(Date.now() + init.timeoutMs, init.deadline);
  }

  text(field: string): string {
    const source = fieldSource(this.action, field);
    return source === undefined ? '' : renderText(source, this.lookup);
  }

  raw(field: string): unknown {
    const source = fieldSource(this.action, field);
    return source === undefined ? '' : renderRaw(source, this.lookup);
  }

  remainingMs(): number {
    return Math.max(1, this.actionDeadline - Date.now());
  }

  info(message: string): void {
    this.log.info(message, this.action.id);
  }

  warn(message: string): void {
    this.log.warn(message, this.action.id);
  }

  capture(info: CaptureInfo, message: string): void {
    this.log.capture(info, message);
  }

  runScript(script: PreparedScript, timeoutMs: number): Promise<PageScriptResult> {
    return runPageScript({
      page: this.page,
      script,
      vars: this.state.pageVars(new Date().toISOString()),
      includeShadowDom: this.includeShadowDom,
      timeoutMs: Math.max(1, Math.min(timeoutMs, this.deadline - Date.now())),
      signal: this.signal,
      onConsole: (line) => this.log.log(line.level, line.text, this.action.id),
    });
  }
}
