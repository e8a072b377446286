/**
 * The TaskRunner (RUNNER §3.3, §8.3, §9, §10, §13): opens a browser session, runs the start
 * steps and the interpreter (agent) or the page load (scrape), finalises per outcome and
 * assembles the result. Never throws: every failure ends up as an outcome.
 */
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { CaptureStore } from '../captures/store/capture-store.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/config.service.js';
import { APP_LOGGER, type AppLogger } from '../logging/app-logger.js';
import { GuardedHttpClient } from '../network/guarded-http.service.js';
import { UrlGuard } from '../network/url-guard.service.js';
import { BrowserSessionFactory } from './browser/browser-session.js';
import { emptyFinalized, RunFinalizer, type Finalized, type FinalizePlan } from './finalize/finalizer.service.js';
import { assembleResult, type ScrapeFields } from './finalize/result.js';
import { htmlIncluded } from './finalize/run-data.js';
import { interpret } from './interpreter/interpreter.js';
import type { InterpretResult } from './interpreter/interpreter.types.js';
import { RunLog } from './interpreter/run-log.js';
import { RuntimeState } from './interpreter/run-state.js';
import { cleanedHtml } from './page/cleaned-html.js';
import { isRunError } from './run-error.js';
import { errorText } from './run/bounded.js';
import { RunContext } from './run/run-context.js';
import { openStartUrl, renderWithInputs, startWait, waitForLoadEvent, waitForStartSelector } from './run/start-page.js';
import { SubtaskLauncher, TaskRunner, type RunOutcome, type RunRequest } from './runner.types.js';
import { autoScroll } from './scrape/auto-scroll.js';
import { readScrapeContent } from './scrape/page-content.js';

const NO_SCRAPE_CONTENT: ScrapeFields = { title: '', is_partial: false, selector_used: '', links: [] };

@Injectable()
export class BrowserTaskRunner extends TaskRunner {
  private subtasks: SubtaskLauncher | null | undefined;

  constructor(
    private readonly sessions: BrowserSessionFactory,
    private readonly finalizer: RunFinalizer,
    private readonly captures: CaptureStore,
    private readonly http: GuardedHttpClient,
    private readonly urlGuard: UrlGuard,
    private readonly clock: Clock,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {
    super();
  }

  async run(request: RunRequest): Promise<RunOutcome> {
    const now = () => this.clock.now();
    const ctx = new RunContext(request, now);
    const finalized = emptyFinalized('');
    try {
      await this.execute(ctx, finalized);
    } catch (error) {
      // An unexpected exception in runner code: crashed (ENGINE_ERROR), RUNNER §9.1.
      this.logger.error({ runId: request.runId, executionId: request.executionId, err: error }, 'unexpected runner error');
      const message = `Internal runner error: ${errorText(error).slice(0, 300)}`;
      ctx.log('error', message);
      ctx.fail('ENGINE_ERROR', message);
      await this.finalizer.salvage(ctx, finalized);
    } finally {
      ctx.dispose();
    }
    return assembleResult(
      {
        verdict: ctx.verdict.current,
        finalUrl: finalized.finalUrl,
        data: finalized.data,
        logs: ctx.events.logs(),
        screenshotUrl: finalized.screenshotUrl,
        recordingUrl: finalized.recordingUrl,
        html: finalized.html,
        downloads: finalized.downloads,
        outputError: finalized.outputError,
        scrape: request.mode === 'scrape' ? (finalized.scrape ?? NO_SCRAPE_CONTENT) : undefined,
      },
      ctx.masker,
    );
  }

  private async execute(ctx: RunContext, finalized: Finalized): Promise<void> {
    const now = () => this.clock.now();
    const { task } = ctx;
    ctx.startUrl = renderWithInputs(ctx, task.url ?? '', now).trim();
    finalized.finalUrl = ctx.startUrl;
    if (!(await this.openSession(ctx))) return;
    if (ctx.request.mode === 'scrape') {
      await this.scrapeSteps(ctx);
      await this.finalizer.finalize(ctx, this.scrapePlan(ctx, new RuntimeState(ctx.request.inputs), now), finalized);
      return;
    }
    const state = await this.agentSteps(ctx);
    await this.finalizer.finalize(ctx, this.agentPlan(ctx, state), finalized);
  }

  /** Returns false when the run cannot go on (no browser, stopped, timed out). */
  private async openSession(ctx: RunContext): Promise<boolean> {
    const { request } = ctx;
    try {
      const session = await this.sessions.open({
        runId: request.runId,
        startedAt: request.startedAt,
        task: request.task,
        stateless: ctx.stateless,
        events: ctx.events,
        signal: ctx.signal,
      });
      ctx.attach(session);
      return !ctx.noteAbort();
    } catch (error) {
      if (ctx.noteAbort()) return false;
      if (isRunError(error) && (error.code === 'BROWSER_LAUNCH_FAILED' || error.code === 'BROWSER_CRASHED')) {
        this.logger.warn({ runId: request.runId, code: error.code, err: error.message }, 'no browser session for the run');
        ctx.log('error', error.message);
        ctx.fail(error.code, error.message);
        return false;
      }
      throw error;
    }
  }

  /** RUNNER §3.3 steps 2–4; returns the runtime state for finalisation. */
  private async agentSteps(ctx: RunContext): Promise<RuntimeState> {
    const now = () => this.clock.now();
    const { task } = ctx;
    const inputsOnly = new RuntimeState(ctx.request.inputs);
    if ((task.url ?? '').trim() !== '' && !(await openStartUrl(ctx))) return inputsOnly;
    const selector = renderWithInputs(ctx, task.selector ?? '', now).trim();
    if (selector !== '') await waitForStartSelector(ctx, selector);
    if (ctx.noteAbort() || !(await startWait(ctx, task.wait))) {
      ctx.noteAbort();
      return inputsOnly;
    }
    const session = ctx.session!;
    const result = await interpret({
      request: { ...ctx.request, events: ctx.events },
      page: session.page,
      signal: ctx.signal,
      deadline: ctx.deadline,
      services: {
        captures: this.captures,
        http: this.http,
        urlGuard: this.urlGuard,
        subtasks: this.subtaskLauncher(),
        downloads: session.downloads,
      },
      masker: ctx.masker,
      log: new RunLog(ctx.events, ctx.masker),
      maxStepsPerRun: this.config.maxStepsPerRun,
      crashed: session.crashed,
    });
    this.applyInterpretation(ctx, result);
    return result.state;
  }

  private applyInterpretation(ctx: RunContext, result: InterpretResult): void {
    switch (result.end) {
      case 'completed':
      case 'stop_success':
        break;
      case 'stop_error':
        ctx.fail('STOP_ACTION', result.error ?? 'The run was ended by a stop action with value error');
        break;
      case 'failed':
        ctx.fail(result.errorCode ?? 'ACTION_FAILED', result.error ?? 'An action failed');
        break;
      case 'crashed':
        if (result.errorCode !== 'BROWSER_CRASHED') this.logger.error({ runId: ctx.request.runId, err: result.error }, 'interpreter failed unexpectedly');
        ctx.fail(result.errorCode ?? 'ENGINE_ERROR', result.error ?? 'The interpreter failed');
        break;
      case 'aborted':
        break;
    }
    ctx.noteAbort();
  }

  private agentPlan(ctx: RunContext, state: RuntimeState): FinalizePlan {
    const { task } = ctx;
    // html is captured only when the result will carry it (the presence rule of API §4.7).
    const wantsHtml = htmlIncluded(task, 'success');
    return {
      waitForDownloads: true,
      captureHtml: wantsHtml ? async (page) => ({ html: await cleanedHtml(page, task.includeShadowDom) }) : null,
      state,
    };
  }

  /** RUNNER §13 steps 2–4 (the rest is finalisation). Stop and run timeout apply between steps. */
  private async scrapeSteps(ctx: RunContext): Promise<void> {
    if (!(await openStartUrl(ctx))) return;
    await waitForLoadEvent(ctx);
    if (ctx.noteAbort()) return;
    try {
      const scrolled = await autoScroll(ctx.session!.page, ctx.signal, () => this.clock.now());
      ctx.log('info', `Auto-scrolled ${scrolled.steps} step${scrolled.steps === 1 ? '' : 's'}${scrolled.reachedBottom ? ' to the bottom' : ''} and back to the top`);
    } catch (error) {
      if (ctx.noteAbort()) return;
      ctx.log('warn', `Auto-scroll failed: ${errorText(error)}`);
    }
    if (!(await startWait(ctx, ctx.task.wait))) ctx.noteAbort();
  }

  private scrapePlan(ctx: RunContext, state: RuntimeState, now: () => number): FinalizePlan {
    const { task } = ctx;
    const selector = renderWithInputs(ctx, task.selector ?? '', now).trim();
    return {
      waitForDownloads: false,
      captureHtml: async (page) => {
        const content = await readScrapeContent(page, selector, task.includeShadowDom);
        if (content.selectorError) ctx.log('warn', `Selector ${selector} could not be used (${content.selectorError}); captured the body`);
        else if (selector !== '' && !content.scrape.is_partial) ctx.log('warn', `Selector ${selector} matched nothing; captured the body`);
        return content;
      },
      state,
    };
  }

  /** The `start` action's launcher, provided by the executions module (null when absent). */
  private subtaskLauncher(): SubtaskLauncher | null {
    if (this.subtasks === undefined) {
      try {
        this.subtasks = this.moduleRef.get(SubtaskLauncher, { strict: false });
      } catch {
        this.subtasks = null;
      }
    }
    return this.subtasks ?? null;
  }
}
