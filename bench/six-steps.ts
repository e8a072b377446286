import type { Browser, BrowserContextOptions } from 'playwright';
import type { NormalisedTask } from '../src/tasks/model/task.types.js';
import { validateTask } from '../src/tasks/model/validate-task.js';

/** What the typed text is and what both sides must read back. */
export const TYPED = 'figranium';
export const EXPECTED_GREETING = `Hello, ${TYPED}`;
export const EXPECTED_CHECK = EXPECTED_GREETING.length + 3;

export interface SixStepOptions {
  url: string;
  /** Recording on for both sides, or off for both. */
  record: boolean;
}

/**
 * The six steps as a task body (API §3 / RUNNER §2): 1 start URL load, 2 `type`, 3 `click`,
 * 4 `wait_selector`, 5 `get_content`, 6 `javascript`.
 */
export function sixStepTaskBody(options: SixStepOptions): Record<string, unknown> {
  return {
    name: 'bench six steps',
    url: options.url,
    disableRecording: !options.record,
    actions: [
      { type: 'type', selector: '#q', value: TYPED },
      { type: 'click', selector: '#go' },
      { type: 'wait_selector', selector: '#result' },
      { type: 'get_content', selector: '#result', varName: 'greeting' },
      { type: 'javascript', value: "return text('#result').length + document.querySelectorAll('#list li').length", varName: 'check' },
    ],
  };
}

let actionCounter = 0;

/** The task as the API would store it (validated and normalised). */
export function sixStepTask(options: SixStepOptions): NormalisedTask {
  return normaliseBenchTask(sixStepTaskBody(options));
}

/** A bench task body validated and normalised as the API would store it. */
export function normaliseBenchTask(body: Record<string, unknown>): NormalisedTask {
  const result = validateTask(body, {
    maxTaskBytes: 5 * 1024 * 1024,
    maxRunTimeoutSeconds: 3600,
    credentialExists: () => false,
    newActionId: () => `act_bench${++actionCounter}`,
  });
  if (!('task' in result)) throw new Error(`bench task is invalid: ${JSON.stringify(result.errors)}`);
  return result.task;
}

/** `data` of a successful runner/API run of the six steps, or a reason why it is not right. */
export function checkRunData(data: unknown): string | null {
  const d = data as { greeting?: unknown; check?: unknown } | null;
  if (d?.greeting !== EXPECTED_GREETING) return `greeting was ${JSON.stringify(d?.greeting)}`;
  if (d?.check !== EXPECTED_CHECK) return `check was ${JSON.stringify(d?.check)}`;
  return null;
}

/**
 * The same six steps in plain Playwright on a warm browser, in a fresh context (the runner opens
 * one per run too). Returns null on success, else what went wrong.
 */
export async function plainSixSteps(browser: Browser, url: string, contextOptions: BrowserContextOptions): Promise<string | null> {
  const context = await browser.newContext(contextOptions);
  try {
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 });
    await page.fill('#q', TYPED, { timeout: 10_000 });
    await page.click('#go', { timeout: 10_000 });
    await page.waitForSelector('#result', { state: 'visible', timeout: 10_000 });
    const greeting = await page.innerText('#result', { timeout: 10_000 });
    const check = await page.evaluate(() => (document.querySelector('#result')?.textContent ?? '').trim().length + document.querySelectorAll('#list li').length);
    return checkRunData({ greeting, check });
  } finally {
    // With recording on, Playwright finishes writing the video while the context closes.
    await context.close();
  }
}
