import type { NormalisedTask } from '../tasks/model/task.types.js';
import type { Outcome, RunMode } from '../storage/ports/index.js';
import type { RunErrorCode } from './run-error.js';

/** A capture saved during a run (API §6.1 Capture, as carried by `capture` events). */
export interface CaptureInfo {
  name: string;
  url: string; // /captures/<name>
  type: 'screenshot' | 'recording' | 'download';
  size: number;
}

export type ActionStatus = 'running' | 'success' | 'error' | 'skipped';
export type LogLevel = 'info' | 'warn' | 'error';

/**
 * Events the runner emits (RUNNER §15). The execution lifecycle adds `seq`, `ts`, ids, stores and
 * publishes them; `phase`, `stop_requested` and `finished` are emitted by the lifecycle itself.
 * Messages are masked by the runner before emitting (RUNNER §16).
 */
export type RunEvent =
  | {
      event: 'action';
      actionId: string;
      actionIndex: number;
      type: string;
      status: ActionStatus;
      durationMs?: number;
      message: string;
    }
  | { event: 'log'; level: LogLevel; actionId: string | null; message: string }
  | { event: 'capture'; capture: CaptureInfo; message: string };

export interface RunEventSink {
  emit(event: RunEvent): void;
}

export interface DownloadEntry {
  name: string;
  url: string;
  path: string;
}

export interface OutputErrorInfo {
  code: 'UPSTREAM_ERROR' | 'CREDENTIAL_NOT_FOUND' | 'OUTPUT_INVALID_DATA' | 'PRIVATE_NETWORK_BLOCKED';
  message: string;
  upstreamStatus?: number | null;
  rowsWritten: number;
}

/**
 * The result object of API §4.7 as produced by the runner. `executionId`, `runId`,
 * `hasFullResult` and `truncated` are added when the lifecycle stores it (full/compact copies).
 */
export interface RunOutcome {
  outcome: Outcome;
  success: boolean;
  error?: string;
  errorCode?: RunErrorCode;
  final_url: string;
  data: unknown;
  logs: string[];
  screenshot_url: string | null;
  recording_url: string | null;
  html?: string;
  downloads: DownloadEntry[];
  outputError?: OutputErrorInfo;
  // scrape mode only
  title?: string;
  url?: string;
  is_partial?: boolean;
  selector_used?: string;
  links?: string[];
}

/** What a child run of the `start` action reports back to its parent (RUNNER §7.4). */
export interface ChildRunReport {
  executionId: string;
  outcome: Outcome;
  data: unknown;
  error?: string;
  errorCode?: RunErrorCode;
}

export interface RunRequest {
  executionId: string;
  runId: string;
  taskId: string | null;
  /** The task snapshot to run, secrets decrypted, mode already forced for ad-hoc runs. */
  task: NormalisedTask & { id?: string };
  mode: RunMode;
  /** Resolved runtime inputs (API §4.2). */
  inputs: Record<string, unknown>;
  /** Values to mask in every output (secret variables, tokens, …), RUNNER §16. */
  secrets: string[];
  /** Aborted when an operator stops the run (RUNNER §3.5). Run timeout is handled inside. */
  signal: AbortSignal;
  events: RunEventSink;
  /** When the run entered `running` (ms); `timeoutSeconds` counts from here (RUNNER §8.3). */
  startedAt: number;
  /** Hard cap on this run's time (ms since epoch), e.g. the parent's remaining time for a child. */
  deadline?: number;
  /** 0 for a root run (RUNNER §7.4). */
  depth: number;
  /** Task ids of the ancestors, root first (cycle detection). */
  chain: string[];
}

/** The single entry point the run API, the `start` action and a future scheduler call. */
export abstract class TaskRunner {
  abstract run(request: RunRequest): Promise<RunOutcome>;
}

/**
 * Starts a child run for the `start` action: creates its own execution record
 * (`source: "agent_block"`, `parentExecutionId`), runs it through the TaskRunner inside the
 * parent's concurrency slot, finishes the record, and reports back.
 */
export abstract class SubtaskLauncher {
  abstract launch(parent: RunRequest, childTaskId: string, inputs: Record<string, unknown>, signal: AbortSignal, deadline: number): Promise<ChildRunReport>;
}
