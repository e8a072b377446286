import { Body, Controller, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ExecutionRepository, type JsonValue } from '../../storage/ports/index.js';
import { type FinishedExecution, RunCompletion } from '../lifecycle/run-completion.service.js';
import { shuttingDownError } from '../lifecycle/run-shutdown.service.js';
import { type Admitted, RunAdmission, type RunTarget } from './run-admission.service.js';
import { runPreference } from './run-preference.js';
import { AdhocRunBody, RunAcceptedResponse, RunRequestBody, RunResultResponse } from './runs.dto.js';

/**
 * The four run routes (API §4.1). Sync by default: 200 with the full result once the run ends
 * (every outcome); async with `?async=true|1` or `Prefer: respond-async`: 202 at once.
 */
@ApiTags('runs')
@ApiHeader({ name: 'Idempotency-Key', required: false, description: '1-255 printable ASCII characters (API §4.4).' })
@ApiHeader({ name: 'Prefer', required: false, description: '`respond-async` answers 202 at once.' })
@ApiQuery({ name: 'async', required: false, type: String, description: '`true` or `1`: answer 202 at once.' })
@ApiOkResponse({ type: RunResultResponse, description: 'Synchronous run finished (any outcome). Header X-Execution-Id.' })
@ApiAcceptedResponse({ type: RunAcceptedResponse, description: 'Asynchronous run admitted. Headers Location, X-Execution-Id.' })
@Controller()
export class RunsController {
  constructor(
    private readonly admission: RunAdmission,
    private readonly completion: RunCompletion,
    private readonly executions: ExecutionRepository,
  ) {}

  @Post(['api/tasks/:id/api', 'tasks/:id/api'])
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a saved task' })
  @ApiBody({ type: RunRequestBody, required: false })
  runSaved(@Param('id') id: string, @Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<unknown> {
    return this.run({ kind: 'saved', taskId: id }, body, req, res);
  }

  @Post('agent')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run an unsaved task definition in agent mode' })
  @ApiBody({ type: AdhocRunBody })
  runAgent(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<unknown> {
    return this.run({ kind: 'adhoc', mode: 'agent' }, body, req, res);
  }

  @Post('scrape')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run an unsaved task definition in scrape mode (url required)' })
  @ApiBody({ type: AdhocRunBody })
  runScrape(@Body() body: unknown, @Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<unknown> {
    return this.run({ kind: 'adhoc', mode: 'scrape' }, body, req, res);
  }

  private async run(target: RunTarget, body: unknown, req: Request, res: Response): Promise<unknown> {
    const preference = runPreference(req.query.async, req.headers.prefer);
    const admitted = await this.admission.admit({
      target,
      body,
      method: req.method,
      path: req.path,
      idempotencyKey: req.headers['idempotency-key'],
      async: preference.async,
    });
    const { record } = admitted;
    res.setHeader('X-Execution-Id', record.id);
    if (admitted.replayed) res.setHeader('Idempotent-Replayed', 'true');
    if (preference.async) {
      res.status(202);
      res.setHeader('Location', `/api/executions/${encodeURIComponent(record.id)}`);
      if (preference.viaPrefer) res.setHeader('Preference-Applied', 'respond-async');
      return { executionId: record.id, runId: record.runId, phase: record.phase };
    }
    return this.syncResult(admitted);
  }

  /** Waits for the end of the run; the body is the full result copy (API §4.7). */
  private async syncResult({ record }: Admitted): Promise<JsonValue> {
    let finished: FinishedExecution;
    try {
      finished = record.phase === 'finished' ? { record } : await this.completion.waitFinished(record.id);
    } catch {
      throw shuttingDownError(record.id);
    }
    return finished.full ?? (await this.executions.getFullResult(record.id)) ?? finished.record.result;
  }
}
