/** `wait_downloads`: RUNNER §7 (uses the session's DownloadTracker). */
import { RunError } from '../run-error.js';
import type { ActionHandler } from './action-handler.js';

const DEFAULT_SECONDS = 30;
const START_WAIT_MS = 10_000;

export const waitDownloadsAction: ActionHandler = {
  type: 'wait_downloads',
  defaultTimeoutMs: null,
  describe: () => 'Wait for downloads',
  async run(ctx) {
    const tracker = ctx.services.downloads;
    const text = ctx.text('value').trim();
    const seconds = text === '' ? DEFAULT_SECONDS : Number(text);
    if (!Number.isFinite(seconds) || seconds < 0) throw new RunError('ACTION_FAILED', `'${text}' is not a number of seconds`);
    const untilDeadline = Math.max(0, ctx.deadline - Date.now());
    const maxMs = seconds === 0 ? untilDeadline : Math.min(seconds * 1000, untilDeadline);
    const started = Date.now();
    if (!tracker) {
      ctx.warn('Downloads are not tracked in this run');
      return { output: [], message: 'No download tracker' };
    }
    if (tracker.inProgress() === 0) {
      const began = await tracker.waitForStart(Math.min(START_WAIT_MS, maxMs), ctx.signal);
      if (ctx.signal.aborted) throw ctx.signal.reason;
      if (!began && tracker.inProgress() === 0) {
        ctx.warn('No download started');
        return { output: tracker.completed(), message: 'No download in progress' };
      }
    }
    const idle = await tracker.waitIdle(Math.max(0, maxMs - (Date.now() - started)), ctx.signal);
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (!idle) {
      throw new RunError('ACTION_TIMEOUT', `${tracker.inProgress()} download(s) still in progress after ${Math.round(maxMs / 1000)} s`);
    }
    const done = tracker.completed();
    const message = `${done.length} download(s) completed`;
    ctx.info(message);
    return { output: done, message };
  },
};
