/**
 * Sends pointer paths to the page (RUNNER §12). Each step is a CDP `Input.dispatchMouseEvent`;
 * steps are sent at their own pace (the glide's 8–16 ms) without waiting for the browser to
 * draw a frame for each one, and the whole path is acknowledged before the next input, so a
 * following Playwright click or hover always lands after it.
 */
import type { CDPSession, Page } from 'playwright';
import type { Point } from './pointer-path.js';

const sessions = new WeakMap<Page, Promise<CDPSession>>();

function sessionFor(page: Page): Promise<CDPSession> {
  let session = sessions.get(page);
  if (!session) {
    session = page.context().newCDPSession(page);
    sessions.set(page, session);
    session.then((s) => s.on('close', () => sessions.delete(page))).catch(() => sessions.delete(page));
  }
  return session;
}

/**
 * Moves the pointer through `points` (no button held). `pause(i)` runs after point i is sent
 * (the caller's abortable delay); by default there is none.
 */
export async function movePointerAlong(page: Page, points: readonly Point[], pause: (i: number) => Promise<void> = () => Promise.resolve()): Promise<void> {
  if (points.length === 0) return;
  const session = await sessionFor(page);
  const sent: Array<Promise<unknown>> = [];
  try {
    for (let i = 0; i < points.length; i++) {
      const { x, y } = points[i];
      sent.push(session.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x, y, button: 'none', buttons: 0, modifiers: 0 }));
      if (i < points.length - 1) await pause(i);
    }
  } finally {
    await Promise.all(sent.map((p) => p.catch(() => undefined)));
  }
  // Surface a failed final move (e.g. a closed page) like Playwright would.
  await sent[sent.length - 1];
}
