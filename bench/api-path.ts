import type { TimedRun } from './runner-path.js';
import { checkRunData } from './six-steps.js';

/** Saves the 6-step task through the API: its id, or why the API path cannot be measured. */
export async function saveBenchTask(baseUrl: string, apiKey: string, taskBody: Record<string, unknown>): Promise<{ taskId: string } | { unavailable: string }> {
  try {
    const res = await fetch(`${baseUrl}/api/tasks`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      body: JSON.stringify(taskBody),
    });
    const text = await res.text();
    if (res.status !== 200 && res.status !== 201) return { unavailable: `POST /api/tasks answered ${res.status}: ${text.slice(0, 200)}` };
    const id = (JSON.parse(text) as { id?: unknown }).id;
    return typeof id === 'string' ? { taskId: id } : { unavailable: 'POST /api/tasks answered without an id' };
  } catch (error) {
    return { unavailable: `POST /api/tasks failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** One synchronous run the way the SDKs start it: `POST /api/tasks/:id/api`, waiting for the 200 result. */
export async function runThroughApi(baseUrl: string, apiKey: string, taskId: string): Promise<TimedRun> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/api/tasks/${encodeURIComponent(taskId)}/api`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: '{}',
  });
  const text = await res.text();
  const ms = performance.now() - started;
  if (res.status !== 200) return { ms, problem: `HTTP ${res.status}: ${text.slice(0, 200)}` };
  let body: { outcome?: string; errorCode?: string; error?: string; data?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { ms, problem: `200 with a body that is not JSON: ${text.slice(0, 200)}` };
  }
  if (body.outcome !== 'success') return { ms, problem: `outcome ${String(body.outcome)} (${body.errorCode ?? '-'}: ${body.error ?? ''})` };
  return { ms, problem: checkRunData(body.data) };
}
