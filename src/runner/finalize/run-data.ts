/** `data` of the result (RUNNER §10.3–10.5). */
import type { NormalisedTask } from '../../tasks/model/task.types.js';
import { formatCsv } from '../csv/format-csv.js';

export function hasExtractionScript(task: Pick<NormalisedTask, 'extractionScript'>): boolean {
  return typeof task.extractionScript === 'string' && task.extractionScript.trim() !== '';
}

/** Names of the task's secret variables (excluded from `data` without a script, §10.4). */
export function secretVariableNames(task: Pick<NormalisedTask, 'variables'>): Set<string> {
  const names = new Set<string>();
  for (const [name, definition] of Object.entries(task.variables ?? {})) if (definition?.secret === true) names.add(name);
  return names;
}

/**
 * API §4.7: `html` is present when the task has no extraction script or `includeHtml` is set,
 * and never for stopped or crashed runs.
 */
export function htmlIncluded(task: Pick<NormalisedTask, 'extractionScript' | 'includeHtml'>, outcome: string): boolean {
  if (outcome === 'stopped' || outcome === 'crashed') return false;
  return !hasExtractionScript(task) || task.includeHtml === true;
}

/**
 * §10.5 conversion for `extractionFormat: "csv"`: after a successful extraction step every value
 * (null included, → `""`) is converted; on other outcomes a non-null `data` is converted and
 * `null` stays `null` (so a failed run does not look like an empty CSV).
 */
export function applyFormat(task: Pick<NormalisedTask, 'extractionFormat'>, data: unknown, extracted: boolean): unknown {
  if (task.extractionFormat !== 'csv') return data === undefined ? null : data;
  if (!extracted && (data === null || data === undefined)) return null;
  return formatCsv(data);
}
