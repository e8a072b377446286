/**
 * Finalisation (RUNNER §10.1): the steps each outcome column gets, in order. The verdict is
 * re-read before every step, so a step that changes it (anti-bot, extraction failure, a stop or
 * the run timeout meanwhile) moves the rest of the run to the new column.
 */
import { Inject, Injectable } from '@nestjs/common';
import type { Page } from 'playwright';
import { CookieJarService } from '../../captures/cookie-jar/cookie-jar.service.js';
import { CaptureStore } from '../../captures/store/capture-store.js';
import { Clock } from '../../common/clock.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import type { Outcome } from '../../storage/ports/index.js';
import type { RuntimeState } from '../interpreter/run-state.js';
import { OutputPushService } from '../output/output-push.service.js';
import { detectAntiBot } from '../page/anti-bot.js';
import { cleanedHtml } from '../page/cleaned-html.js';
import { runExtractionScript } from '../page-script/extraction.js';
import { isRunError } from '../run-error.js';
import type { DownloadEntry, OutputErrorInfo } from '../runner.types.js';
import { bounded, whyNot } from '../run/bounded.js';
import type { RunContext } from '../run/run-context.js';
import { createLookup, oncePerName } from '../templating/lookup.js';
import { saveFinalScreenshot, FINAL_SCREENSHOT_TIMEOUT_MS } from './final-screenshot.js';
import type { ScrapeFields } from './result.js';
import { applyFormat, hasExtractionScript, htmlIncluded, secretVariableNames } from './run-data.js';

const DOWNLOAD_WAIT_MS = 30_000;
const ANTI_BOT_TIMEOUT_MS = 10_000;
const HTML_TIMEOUT_MS = 15_000;
const COOKIE_MERGE_TIMEOUT_MS = 15_000;
const CLOSE_TIMEOUT_MS = 30_000;
const HTML_COLUMNS: ReadonlySet<Outcome> = new Set(['success', 'error', 'anti_bot']);
/** Headroom for the page script's own limit, so its SCRIPT_TIMEOUT/terminate path runs first. */
const EXTRACTION_HTML_TIMEOUT_MS = 15_000;

export interface HtmlCapture {
  html: string;
  scrape?: ScrapeFields;
}

export interface FinalizePlan {
  /** Agent mode: wait for in-progress downloads first (success column). */
  waitForDownloads: boolean;
  /**
   * Captures the result's HTML (success, error and anti_bot columns). Scrape mode always needs it
   * (title, links); agent mode passes `cleanedHtml` only when the presence rule keeps `html`.
   */
  captureHtml: ((page: Page) => Promise<HtmlCapture>) | null;
  /** The run's variables: extraction bindings and `data` without a script. */
  state: RuntimeState;
}

export interface Finalized {
  data: unknown;
  html?: string;
  scrape?: ScrapeFields;
  finalUrl: string;
  screenshotUrl: string | null;
  recordingUrl: string | null;
  downloads: DownloadEntry[];
  outputError?: OutputErrorInfo;
}

export function emptyFinalized(startUrl: string): Finalized {
  return { data: null, finalUrl: startUrl, screenshotUrl: null, recordingUrl: null, downloads: [] };
}

@Injectable()
export class RunFinalizer {
  constructor(
    private readonly captures: CaptureStore,
    private readonly cookieJar: CookieJarService,
    private readonly output: OutputPushService,
    private readonly clock: Clock,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  /** Fills `into` step by step, so a caller that catches an exception still has what was done. */
  async finalize(ctx: RunContext, plan: FinalizePlan, into: Finalized = emptyFinalized(ctx.startUrl)): Promise<Finalized> {
    const { task } = ctx;
    const session = ctx.session;
    const result = into;
    let extracted = false;
    if (session) {
      ctx.noteAbort();
      if (plan.waitForDownloads && this.column(ctx) === 'success') await this.waitForDownloads(ctx);
      if (this.column(ctx) === 'success' || this.column(ctx) === 'error') await this.antiBotCheck(ctx);
      if (plan.captureHtml && HTML_COLUMNS.has(this.column(ctx))) await this.captureHtml(ctx, plan.captureHtml, result);
      if (this.column(ctx) === 'success') extracted = await this.extract(ctx, plan.state, result);
      result.finalUrl = this.finalUrl(ctx);
      if (this.column(ctx) !== 'crashed' || !ctx.isCrashed()) await this.screenshot(ctx, result);
      if (this.column(ctx) !== 'crashed') await this.mergeCookies(ctx);
      await this.close(ctx, result);
    }
    if (!session || !extracted) result.data = this.dataWithoutExtraction(ctx, plan.state);
    result.data = applyFormat(task, result.data, extracted);
    if (!htmlIncluded(task, this.column(ctx))) delete result.html;
    else result.html ??= '';
    if (this.column(ctx) === 'success' && task.output && result.data !== null) await this.pushOutput(ctx, result);
    return result;
  }

  /**
   * After an unexpected exception (outcome crashed, ENGINE_ERROR): the crashed column's steps,
   * screenshot while the page is alive, then close. Never throws.
   */
  async salvage(ctx: RunContext, result: Finalized): Promise<Finalized> {
    delete result.html;
    result.data = null;
    if (!ctx.session) return result;
    try {
      result.finalUrl = this.finalUrl(ctx);
      if (!ctx.isCrashed()) await this.screenshot(ctx, result);
      await this.close(ctx, result);
    } catch (error) {
      this.logger.error({ runId: ctx.request.runId, err: error }, 'browser session could not be cleaned up');
    }
    return result;
  }

  private column(ctx: RunContext): Outcome {
    return ctx.verdict.outcome;
  }

  private async waitForDownloads(ctx: RunContext): Promise<void> {
    const downloads = ctx.session!.downloads;
    const pending = downloads.inProgress();
    if (pending === 0) return;
    const limit = Math.min(DOWNLOAD_WAIT_MS, ctx.remainingMs(this.clock.now()));
    ctx.log('info', `Waiting for ${pending} download${pending === 1 ? '' : 's'} in progress`);
    const idle = await downloads.waitIdle(limit, ctx.signal);
    if (ctx.noteAbort()) return;
    if (!idle) ctx.log('warn', `Downloads still in progress after ${Math.round(limit / 1000)} s; not waiting longer`);
  }

  private async antiBotCheck(ctx: RunContext): Promise<void> {
    const session = ctx.session!;
    const aboutToError = this.column(ctx) === 'error';
    const check = await bounded(detectAntiBot(session.page, session.lastDocumentResponse(), aboutToError), ANTI_BOT_TIMEOUT_MS, ctx.graceSignal);
    if (!check.ok) {
      if (check.reason !== 'aborted') ctx.log('warn', `Anti-bot check could not run: ${whyNot(check, 'the page did not answer')}`);
      ctx.noteAbort();
      return;
    }
    const verdict = check.value;
    if (verdict.detectionError) ctx.log('warn', `Anti-bot check could not run: ${verdict.detectionError.split('\n')[0]}`);
    if (verdict.verdict === 'anti_bot') {
      ctx.log('error', verdict.message);
      ctx.fail('ANTI_BOT_DETECTED', verdict.message);
    } else if (verdict.verdict === 'warning') {
      ctx.log('warn', verdict.message);
    }
    ctx.noteAbort();
  }

  private async captureHtml(ctx: RunContext, capture: FinalizePlan['captureHtml'] & object, result: Finalized): Promise<void> {
    const step = await bounded(capture(ctx.session!.page), HTML_TIMEOUT_MS, ctx.graceSignal);
    if (step.ok) {
      result.html = step.value.html;
      if (step.value.scrape) result.scrape = step.value.scrape;
    } else if (step.reason !== 'aborted') {
      ctx.log('warn', `The page HTML could not be captured: ${whyNot(step, 'the page did not answer')}`);
    }
    ctx.noteAbort();
  }

  /** §10.3: returns whether the extraction step completed (the run is still a success). */
  private async extract(ctx: RunContext, state: RuntimeState, result: Finalized): Promise<boolean> {
    const { task } = ctx;
    if (!hasExtractionScript(task)) {
      result.data = this.dataWithoutExtraction(ctx, state);
      return true;
    }
    const page = ctx.session!.page;
    const warnUnknown = oncePerName((name) => ctx.log('warn', `Unknown variable {$${name}} in the extraction script; it is empty`));
    let html: string | undefined;
    if (/\{\$html[}.]/.test(task.extractionScript)) {
      const captured = await bounded(cleanedHtml(page, task.includeShadowDom), EXTRACTION_HTML_TIMEOUT_MS, ctx.signal);
      html = captured.ok ? captured.value : '';
    }
    const lookup = createLookup({
      vars: state.vars,
      now: () => new Date(this.clock.now()).toISOString(),
      html: html === undefined ? undefined : () => html,
      onUnknown: warnUnknown,
    });
    try {
      const data = await runExtractionScript({
        page,
        script: task.extractionScript,
        lookup,
        vars: state.pageVars(new Date(this.clock.now()).toISOString()),
        includeShadowDom: task.includeShadowDom,
        signal: ctx.signal,
        onConsole: (line) => ctx.log(line.level, line.text),
      });
      if (ctx.noteAbort()) return false;
      result.data = data;
      return true;
    } catch (error) {
      if (ctx.noteAbort()) return false;
      if (isRunError(error) && error.code === 'EXTRACTION_FAILED') {
        ctx.log('error', error.message);
        ctx.fail('EXTRACTION_FAILED', error.message);
        return false;
      }
      if (isRunError(error) && error.code === 'BROWSER_CRASHED') {
        ctx.fail('BROWSER_CRASHED', error.message);
        return false;
      }
      throw error;
    }
  }

  private dataWithoutExtraction(ctx: RunContext, state: RuntimeState): unknown {
    if (this.column(ctx) === 'crashed' || hasExtractionScript(ctx.task)) return null;
    return state.assignedData(secretVariableNames(ctx.task));
  }

  private finalUrl(ctx: RunContext): string {
    try {
      const url = ctx.session!.page.url();
      // about:blank = nothing loaded; chrome-error: = the load failed (not a page of the site).
      return url === '' || url === 'about:blank' || url.startsWith('chrome-error:') ? ctx.startUrl : url;
    } catch {
      return ctx.startUrl;
    }
  }

  private async screenshot(ctx: RunContext, result: Finalized): Promise<void> {
    const { runId } = ctx.request;
    if (ctx.session!.page.isClosed()) return;
    const shot = await bounded(saveFinalScreenshot(ctx.session!.page, this.captures, runId, () => this.clock.now()), FINAL_SCREENSHOT_TIMEOUT_MS + 5_000, ctx.graceSignal);
    if (shot.ok) {
      result.screenshotUrl = shot.value.url;
      ctx.events.emit({ event: 'capture', capture: shot.value, message: `Final screenshot saved: ${shot.value.name}` });
    } else if (shot.reason !== 'aborted') {
      const why = whyNot(shot);
      this.logger.warn({ runId, err: why }, 'final screenshot failed');
      ctx.log('warn', `Final screenshot could not be taken: ${why}`);
    }
    ctx.noteAbort();
  }

  private async mergeCookies(ctx: RunContext): Promise<void> {
    const session = ctx.session!;
    if (ctx.stateless || session.initialState === null) return;
    const initial = session.initialState;
    const merge = bounded(
      session.storageState().then((state) => this.cookieJar.merge(initial, state)),
      COOKIE_MERGE_TIMEOUT_MS,
      ctx.graceSignal,
    );
    const merged = await merge;
    if (!merged.ok && merged.reason !== 'aborted') {
      const why = whyNot(merged);
      this.logger.warn({ runId: ctx.request.runId, err: why }, 'cookie jar merge failed');
      ctx.log('warn', `Cookie jar could not be saved: ${why}`);
    }
  }

  private async close(ctx: RunContext, result: Finalized): Promise<void> {
    const session = ctx.session!;
    const closed = await bounded(session.close(), CLOSE_TIMEOUT_MS, new AbortController().signal);
    if (closed.ok) {
      result.recordingUrl = closed.value.recording?.url ?? null;
    } else {
      const why = whyNot(closed);
      this.logger.warn({ runId: ctx.request.runId, err: why }, 'browser session close failed');
    }
    result.downloads = session.downloads.completed();
  }

  private async pushOutput(ctx: RunContext, result: Finalized): Promise<void> {
    const output = ctx.task.output!;
    try {
      const pushed = await this.output.push({
        runId: ctx.request.runId,
        data: result.data,
        output,
        signal: ctx.signal,
        log: (level, message) => ctx.log(level, message),
        addSecret: (value) => ctx.masker.add(value),
      });
      if (pushed.ok) return;
      result.outputError = pushed.error;
      if (output.onError !== 'ignore') ctx.fail('OUTPUT_FAILED', `Output to ${output.provider} failed (${pushed.error.code}): ${pushed.error.message}`);
    } catch (error) {
      if (!ctx.noteAbort()) throw error;
    }
  }
}
