/**
 * What an action type implements (RUNNER §7), and what it is given to run. Adding an action
 * type = one handler file plus one line in registry.ts.
 */
import type { Locator, Page } from 'playwright';
import type { CaptureStore } from '../../captures/store/capture-store.js';
import type { GuardedHttpClient } from '../../network/guarded-http.service.js';
import type { UrlGuard } from '../../network/url-guard.service.js';
import type { CanonicalActionType, TaskAction } from '../../tasks/model/task.types.js';
import type { BrowserSession, DownloadTracker } from '../browser/browser-session.js';
import type { ActionPacing, HumanInput } from '../human/human-input.js';
import type { RuntimeState } from '../interpreter/run-state.js';
import type { PageScriptResult } from '../page-script/run-page-script.js';
import type { SecretMasker } from '../redaction/secret-masker.js';
import type { CaptureInfo, RunRequest, SubtaskLauncher } from '../runner.types.js';
import type { PreparedScript } from '../script/prepare-script.js';
import type { VariableLookup } from '../templating/lookup.js';

/** Ports the actions use; the runner module provides the real ones, tests small fakes. */
export interface ActionServices {
  captures: CaptureStore;
  http: GuardedHttpClient;
  urlGuard: UrlGuard;
  /** Null when sub-tasks are not available (the `start` action then fails). */
  subtasks: SubtaskLauncher | null;
  /** The session's downloads; null when not tracked (`wait_downloads` then finds none). */
  downloads: DownloadTracker | null;
  /**
   * The session's guarded navigation (pass the BrowserSession): a redirect hop refused by the
   * network guard then fails with PRIVATE_NETWORK_BLOCKED. Without it `navigate`/`reload` use
   * `page.goto`/`page.reload` and can only recognise a directly blocked request.
   */
  navigation?: Pick<BrowserSession, 'navigate' | 'reload'> | null;
}

export interface ActionContext {
  readonly page: Page;
  readonly action: TaskAction;
  readonly index: number;
  readonly type: CanonicalActionType;
  /** Aborts when the run aborts or the action's time limit (plus a short grace) passes. */
  readonly signal: AbortSignal;
  /** The action's time limit in ms (`timeout` or the type's default), capped by the run deadline. */
  readonly timeoutMs: number;
  /** The run deadline (epoch ms). */
  readonly deadline: number;
  readonly lookup: VariableLookup;
  readonly state: RuntimeState;
  /** Inside a selector `foreach`: the current element (RUNNER §5.8); else null. */
  readonly currentElement: Locator | null;
  readonly human: HumanInput;
  readonly pacing: ActionPacing;
  readonly services: ActionServices;
  readonly request: RunRequest;
  readonly masker: SecretMasker;
  /** Templated text of a field (†, §4.4); absent fields give `""`. */
  text(field: string): string;
  /** Raw-value rule (§4.4) for a field. */
  raw(field: string): unknown;
  /** ms left of this action's time limit (at least 1). */
  remainingMs(): number;
  info(message: string): void;
  warn(message: string): void;
  capture(info: CaptureInfo, message: string): void;
  /** Runs a prepared script in the page; console lines become log lines. */
  runScript(script: PreparedScript, timeoutMs: number): Promise<PageScriptResult>;
}

export interface ActionResult {
  /** The result: becomes `block.output` (and `varName` where offered). */
  output?: unknown;
  /** Leave `block.output` as it is (`do_nothing`). */
  keepOutput?: boolean;
  /** Message of the `success` event. */
  message?: string;
  /** `stop`: ends interpretation. */
  stop?: 'success' | 'error';
}

export interface ActionHandler {
  readonly type: CanonicalActionType;
  /** RUNNER §8.2 default time limit in ms; null when the action bounds its own time (`wait`…). */
  readonly defaultTimeoutMs: number | null;
  /** The action offers `varName` (§7): its result is stored there too. */
  readonly storesResult?: boolean;
  /**
   * The action ends by itself soon after its signal aborts, and must be awaited rather than
   * abandoned (`start`: the stopped child finishes before its parent, RUNNER §3.5).
   */
  readonly settlesOnAbort?: boolean;
  /** Text of the `running` event (never the typed text of a `type` action). */
  describe(ctx: ActionContext): string;
  run(ctx: ActionContext): Promise<ActionResult>;
}

export const ELEMENT_TIMEOUT_MS = 10_000;
export const NAVIGATION_TIMEOUT_MS = 30_000;
