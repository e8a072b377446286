/** Assembly of the run result (API §4.7, RUNNER §10.6), every output string masked (§16). */
import type { SecretMasker } from '../redaction/secret-masker.js';
import type { DownloadEntry, OutputErrorInfo, RunOutcome } from '../runner.types.js';
import type { Verdict } from '../run/verdict.js';

/** The scrape-mode fields (RUNNER §13). */
export interface ScrapeFields {
  title: string;
  is_partial: boolean;
  selector_used: string;
  links: string[];
}

export interface ResultParts {
  verdict: Verdict;
  finalUrl: string;
  data: unknown;
  logs: string[];
  screenshotUrl: string | null;
  recordingUrl: string | null;
  /** Undefined when the presence rule leaves `html` out. */
  html?: string;
  downloads: DownloadEntry[];
  outputError?: OutputErrorInfo;
  /** Scrape mode only. */
  scrape?: ScrapeFields;
}

export function assembleResult(parts: ResultParts, masker: SecretMasker): RunOutcome {
  const { verdict } = parts;
  const success = verdict.outcome === 'success';
  const finalUrl = masker.mask(parts.finalUrl);
  const result: RunOutcome = {
    outcome: verdict.outcome,
    success,
    final_url: finalUrl,
    data: masker.maskDeep(parts.data === undefined ? null : parts.data),
    logs: parts.logs.map((line) => masker.mask(line)),
    screenshot_url: parts.screenshotUrl,
    recording_url: parts.recordingUrl,
    downloads: parts.downloads.map((d) => ({ name: masker.mask(d.name), url: masker.mask(d.url), path: d.path })),
  };
  if (!success) {
    result.error = masker.mask(verdict.error ?? defaultMessage(verdict));
    if (verdict.errorCode) result.errorCode = verdict.errorCode;
  }
  if (parts.html !== undefined) result.html = masker.mask(parts.html);
  if (parts.outputError) result.outputError = { ...parts.outputError, message: masker.mask(parts.outputError.message) };
  if (parts.scrape) {
    result.title = masker.mask(parts.scrape.title);
    result.url = finalUrl;
    result.is_partial = parts.scrape.is_partial;
    result.selector_used = masker.mask(parts.scrape.selector_used);
    result.links = parts.scrape.links.map((link) => masker.mask(link));
  }
  return result;
}

function defaultMessage(verdict: Verdict): string {
  return `The run ended with outcome ${verdict.outcome}`;
}
