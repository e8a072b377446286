import type { TimedRun } from './runner-path.js';
import { checkRunData } from './six-steps.js';

/** The answer of a probe request: null when sync runs are served, else why not. */
export async function apiUnavailableReason(baseUrl: string, apiKey: string): Promise<string | null> {
  try {
    const res = await fetch(`${baseUrl}/agent`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
      // Deliberately invalid, so no run starts: 400 means the route is there, 404 that it is not.
      body: JSON.stringify({ timeoutSeconds: 'not a number' }),
    });
    await res.arrayBuffer();
    if (res.status === 404) return 'POST /agent answered 404: the run routes are not registered';
    return null;
  } catch (error) {
    return `POST /agent failed: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** One synchronous ad-hoc run: `POST /agent` with the task body, waiting for the 200 result. */
export async function runThroughApi(baseUrl: string, apiKey: string, taskBody: Record<string, unknown>): Promise<TimedRun> {
  const started = performance.now();
  const res = await fetch(`${baseUrl}/agent`, {
    method: 'POST',
    headers: { 'x-api-key': apiKey, 'content-type': 'application/json' },
    body: JSON.stringify(taskBody),
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
