/**
 * Human-like input (RUNNER §12): pointer moves, dead clicks, idle drifts and typing. Nothing is
 * injected into the page; every pause ends at once when the action's signal aborts.
 */
import type { Page } from 'playwright';
import type { NormalisedTask } from '../../tasks/model/task.types.js';
import { raceAbort, sleep } from '../interpreter/abort.js';
import { movePointerAlong } from './pointer-driver.js';
import { GLIDE_MAX_MS, glidePath, hopStart, hopSteps, linePath, type Point } from './pointer-path.js';
import { cryptoRandom, type RandomSource } from './random.js';
import { typingPlan } from './typing-plan.js';

export interface HumanOptions {
  humanTyping: boolean;
  naturalTyping: boolean;
  allowTypos: boolean;
  cursorGlide: boolean;
  randomizeClicks: boolean;
  deadClicks: boolean;
  idleMovements: boolean;
  overscroll: boolean;
  fatigue: boolean;
}

/** Added stealth delay per action, typing excepted (RUNNER §12). */
export const MAX_ADDED_DELAY_MS = 2000;
const DEAD_CLICK_SHARE = 0.3;
/** Room left in the 800 ms glide for the final move. */
const GLIDE_LAST_MOVE_MS = 60;
const FATIGUE_PAUSE_CHANCE = 0.05;

export function humanOptionsFromTask(task: Pick<NormalisedTask, 'humanTyping' | 'stealth'>): HumanOptions {
  const s = task.stealth ?? {};
  return {
    humanTyping: task.humanTyping === true,
    naturalTyping: s.naturalTyping === true,
    allowTypos: s.allowTypos === true,
    cursorGlide: s.cursorGlide === true || (s as { humanCursor?: unknown }).humanCursor === true,
    randomizeClicks: s.randomizeClicks === true,
    deadClicks: s.deadClicks === true,
    idleMovements: s.idleMovements === true,
    overscroll: s.overscroll === true,
    fatigue: s.fatigue === true,
  };
}

/** Delays of one action: fatigue-scaled, stealth delays capped at 2 s in total. */
export class ActionPacing {
  private budget = MAX_ADDED_DELAY_MS;

  constructor(
    readonly signal: AbortSignal,
    private readonly multiplier: number,
  ) {}

  /** A stealth pause; nothing once the action's 2 s allowance is used up. */
  async stealthDelay(ms: number): Promise<void> {
    const wanted = Math.round(ms * this.multiplier);
    const granted = Math.max(0, Math.min(wanted, this.budget));
    this.budget -= granted;
    await this.pause(granted);
  }

  /** Waits `ms`; an aborted action rejects even when there is nothing left to wait. */
  private pause(ms: number): Promise<void> {
    return ms > 0 || this.signal.aborted ? sleep(ms, this.signal) : Promise.resolve();
  }

  /** A pause that is part of a movement's own timing (glide steps): not scaled, but capped. */
  async fixedDelay(ms: number): Promise<void> {
    const granted = Math.max(0, Math.min(Math.round(ms), this.budget));
    this.budget -= granted;
    await this.pause(granted);
  }

  /**
   * Waits until `ms` (fatigue-scaled) after `since`, the moment the previous key was sent: the
   * interval between keys includes the time the browser took to take that key (not capped).
   */
  async typingDelay(ms: number, since: number): Promise<void> {
    const wait = since + Math.round(ms * this.multiplier) - Date.now();
    await this.pause(wait);
  }
}

/** In-page hit test: true when nothing interactive is at (x, y). Serialised by Playwright. */
function isNeutralPoint([x, y]: [number, number]): boolean {
  const hit = document.elementFromPoint(x, y);
  if (!hit) return false;
  const interactive =
    'a,button,input,select,textarea,label,option,summary,details,video,audio,iframe,[onclick],[role=button],[role=link],[role=checkbox],[contenteditable]:not([contenteditable=false]),[tabindex]';
  for (let el: Element | null = hit; el; el = el.parentElement) if (el.matches(interactive)) return false;
  return true;
}

export class HumanInput {
  private pointer: Point | null = null;
  private actionsDone = 0;

  constructor(
    private readonly page: Page,
    readonly options: HumanOptions,
    private readonly random: RandomSource = cryptoRandom,
  ) {}

  /** Starts an action's pacing; with `fatigue`, sometimes pauses first (5 %, 120–480 ms). */
  async beginAction(signal: AbortSignal): Promise<ActionPacing> {
    const multiplier = this.options.fatigue ? Math.min(1.5, 1 + 0.02 * this.actionsDone) : 1;
    this.actionsDone++;
    const pacing = new ActionPacing(signal, multiplier);
    if (this.options.fatigue && this.random.chance(FATIGUE_PAUSE_CHANCE)) await pacing.stealthDelay(this.random.int(120, 480));
    return pacing;
  }

  get pointerPosition(): Point | null {
    return this.pointer;
  }

  async viewport(): Promise<{ width: number; height: number }> {
    const size = this.page.viewportSize();
    if (size) return size;
    return this.page.evaluate(() => ({ width: window.innerWidth, height: window.innerHeight }));
  }

  /** Moves the pointer to `to`: a glide from the last position, or a short hop. */
  async moveTo(to: Point, pacing: ActionPacing): Promise<void> {
    if (this.options.cursorGlide) {
      const from = this.pointer ?? (await this.randomViewportPoint());
      const glide = glidePath(from, to, this.random);
      const started = Date.now();
      let due = started;
      // Steps are paced 8–16 ms on a fixed schedule (timer overshoot does not add up); once the
      // 800 ms are used up the rest is sent at once.
      await movePointerAlong(this.page, glide.points, async () => {
        due += glide.stepMs;
        if (due - started <= GLIDE_MAX_MS) await pacing.fixedDelay(due - Date.now());
      });
    } else {
      const start = hopStart(to, this.random);
      await movePointerAlong(this.page, [start, ...linePath(start, to, hopSteps(this.random))]);
    }
    this.pointer = { ...to };
  }

  /** Moves to `to` while a button is held (drag): a glide with `cursorGlide`, else a stepped line. */
  async dragMoveTo(to: Point, pacing: ActionPacing): Promise<void> {
    // Playwright's mouse keeps the held button and the browser's drag handling in step.
    const mouse = this.page.mouse;
    if (this.options.cursorGlide) {
      const from = this.pointer ?? to;
      const glide = glidePath(from, to, this.random);
      const started = Date.now();
      const last = glide.points.length - 1;
      for (let i = 0; i <= last; i++) {
        const point = i < last && Date.now() - started >= GLIDE_MAX_MS - GLIDE_LAST_MOVE_MS ? glide.points[last] : glide.points[i];
        const stepStart = Date.now();
        await mouse.move(point.x, point.y);
        if (point === glide.points[last]) break;
        const rest = glide.stepMs - (Date.now() - stepStart);
        if (rest > 0) await pacing.fixedDelay(rest);
      }
    } else {
      await mouse.move(to.x, to.y, { steps: this.random.int(10, 20) });
    }
    this.pointer = { ...to };
  }

  /** With `deadClicks`: before 30 % of clicks, one click on a neutral point of the viewport. */
  async maybeDeadClick(pacing: ActionPacing): Promise<void> {
    if (!this.options.deadClicks || !this.random.chance(DEAD_CLICK_SHARE)) return;
    for (let attempt = 0; attempt < 3; attempt++) {
      const point = await this.randomViewportPoint();
      if (!(await this.page.evaluate(isNeutralPoint, [point.x, point.y] as [number, number]))) continue;
      await this.moveTo(point, pacing);
      await this.page.mouse.click(point.x, point.y);
      await pacing.stealthDelay(this.random.int(60, 180));
      return;
    }
  }

  /** A wait of exactly `ms`; with `idleMovements` the pointer drifts every 0.5–2 s meanwhile. */
  async idle(ms: number, signal: AbortSignal): Promise<void> {
    const end = Date.now() + ms;
    if (!this.options.idleMovements) {
      await sleep(ms, signal);
      return;
    }
    for (;;) {
      const left = end - Date.now();
      if (left <= 0) return;
      await sleep(Math.min(left, this.random.int(500, 2000)), signal);
      if (Date.now() >= end) return;
      await this.drift().catch(() => undefined); // a page busy navigating must not fail a wait
    }
  }

  /** Types `text` into the focused element: instantly, or key by key with `humanTyping`. */
  async typeText(text: string, sensitive: boolean, pacing: ActionPacing): Promise<void> {
    if (!this.options.humanTyping) {
      if (text !== '') await this.page.keyboard.insertText(text);
      return;
    }
    const plan = typingPlan(text, { naturalTyping: this.options.naturalTyping, allowTypos: this.options.allowTypos && !sensitive }, this.random);
    let lastKeyAt = Date.now();
    for (const step of plan) {
      if (step.kind === 'insert') {
        await this.page.keyboard.insertText(step.text);
        continue;
      }
      await pacing.typingDelay(step.delayBefore, lastKeyAt);
      lastKeyAt = Date.now();
      if (step.kind === 'key') await this.page.keyboard.type(step.text);
      else await this.page.keyboard.press('Backspace');
    }
  }

  /** Key down, a 30–90 ms hold, key up. */
  async pressKey(key: string, pacing: ActionPacing): Promise<void> {
    const hold = this.random.int(30, 90);
    await raceAbort(this.page.keyboard.press(key, { delay: hold }), pacing.signal);
  }

  private async drift(): Promise<void> {
    const { width, height } = await this.viewport();
    const from = this.pointer ?? { x: width / 2, y: height / 2 };
    const to = {
      x: clamp(from.x + this.random.int(-40, 40), 1, width - 2),
      y: clamp(from.y + this.random.int(-40, 40), 1, height - 2),
    };
    await movePointerAlong(this.page, linePath(from, to, this.random.int(3, 8)));
    this.pointer = to;
  }

  private async randomViewportPoint(): Promise<Point> {
    const { width, height } = await this.viewport();
    return { x: this.random.int(5, Math.max(5, width - 6)), y: this.random.int(5, Math.max(5, height - 6)) };
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}
