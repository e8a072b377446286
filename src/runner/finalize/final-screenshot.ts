import type { Page } from 'playwright';
import { finalScreenshotName } from '../../captures/capture-name.js';
import { captureUrl } from '../../captures/capture.view.js';
import type { CaptureStore } from '../../captures/store/capture-store.js';
import type { CaptureInfo } from '../runner.types.js';

/** RUNNER §10.1: viewport screenshot, at most 5 s. */
export const FINAL_SCREENSHOT_TIMEOUT_MS = 5_000;

/** Takes the viewport screenshot and stores it as `<runId>_final_<ms>.png`. */
export async function saveFinalScreenshot(page: Page, store: CaptureStore, runId: string, now: () => number): Promise<CaptureInfo> {
  const png = await page.screenshot({ type: 'png', fullPage: false, timeout: FINAL_SCREENSHOT_TIMEOUT_MS });
  const name = finalScreenshotName(runId, now());
  const info = await store.writeBuffer(name, png);
  return { name, url: captureUrl(name), type: 'screenshot', size: info.size };
}
