/** `start`: RUNNER §7.4 (runs another saved task through the SubtaskLauncher port). */
import { RunError } from '../run-error.js';
import type { ActionHandler } from './action-handler.js';

export const MAX_SUBTASK_DEPTH = 5;

export const startAction: ActionHandler = {
  type: 'start',
  defaultTimeoutMs: null,
  storesResult: true,
  // The launcher stops the child with the parent and returns once the child has finished.
  settlesOnAbort: true,
  describe: (ctx) => `Start task ${ctx.text('value')}`,
  async run(ctx) {
    const childId = ctx.text('value').trim();
    if (childId === '') throw new RunError('ACTION_FAILED', 'No task id given');
    const { request } = ctx;
    if (request.depth + 1 > MAX_SUBTASK_DEPTH) {
      throw new RunError('SUBTASK_DEPTH_EXCEEDED', `Starting ${childId} would nest sub-tasks deeper than ${MAX_SUBTASK_DEPTH}`);
    }
    const ancestors = [...request.chain, ...(request.taskId ? [request.taskId] : [])];
    if (ancestors.includes(childId)) {
      throw new RunError('SUBTASK_CYCLE', `Task ${childId} is already running on this chain (${[...ancestors, childId].join(' → ')})`);
    }
    const launcher = ctx.services.subtasks;
    if (!launcher) throw new RunError('ACTION_FAILED', 'Sub-tasks are not available in this run');
    ctx.info(`Starting task ${childId}`);
    const report = await launcher.launch(request, childId, ctx.state.userVariables(), ctx.signal, ctx.deadline);
    if (ctx.signal.aborted) throw ctx.signal.reason;
    if (report.outcome !== 'success') {
      const why = report.error ? `: ${report.error}` : '';
      throw new RunError('SUBTASK_FAILED', `Task ${childId} (execution ${report.executionId}) ended with outcome ${report.outcome}${report.errorCode ? ` (${report.errorCode})` : ''}${why}`);
    }
    const message = `Task ${childId} finished (execution ${report.executionId})`;
    ctx.info(message);
    return { output: report.data === undefined ? null : report.data, message };
  },
};
