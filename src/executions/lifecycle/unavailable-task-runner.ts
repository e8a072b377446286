import { Injectable } from '@nestjs/common';
import { TaskRunner, type RunOutcome, type RunRequest } from '../../runner/runner.types.js';
import { syntheticOutcome } from './execution-finisher.service.js';

/**
 * Stand-in TaskRunner until the runner module provides the real one: every run ends `crashed`
 * (`ENGINE_ERROR`). RunExecutor prefers any other TaskRunner provider in the app.
 */
@Injectable()
export class UnavailableTaskRunner extends TaskRunner {
  async run(request: RunRequest): Promise<RunOutcome> {
    return syntheticOutcome('crashed', 'ENGINE_ERROR', 'No task runner is installed in this server', request.task.url || null);
  }
}
