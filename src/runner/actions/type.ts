/** `type` (`fill`): RUNNER §7; text never appears in logs, secret text is masked from now on (§16). */
import type { TypeMode } from '../../tasks/model/task.types.js';
import { RunError } from '../run-error.js';
import { ELEMENT_TIMEOUT_MS, type ActionContext, type ActionHandler } from './action-handler.js';
import { mapTimeout, resolveTarget, waitForElement } from './elements.js';

interface FieldState {
  password: boolean;
  hadContent: boolean;
}

/** In-page: selects the focused field's content (`replace`) or puts the caret at its end (`append`). */
function prepareFocusedField(mode: TypeMode): FieldState {
  let el: Element | null = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
    const length = el.value.length;
    const password = el instanceof HTMLInputElement && el.type === 'password';
    if (mode === 'replace') {
      el.select();
    } else {
      try {
        el.setSelectionRange(length, length);
      } catch {
        // input types without a selection (email, number) keep their caret
      }
    }
    return { password, hadContent: length > 0 };
  }
  if (el instanceof HTMLElement && el.isContentEditable) {
    const selection = window.getSelection();
    const range = document.createRange();
    range.selectNodeContents(el);
    if (mode === 'append') range.collapse(false);
    selection?.removeAllRanges();
    selection?.addRange(range);
    return { password: false, hadContent: (el.textContent ?? '').length > 0 };
  }
  return { password: false, hadContent: false };
}

function typeModeOf(ctx: ActionContext): TypeMode {
  const value = ctx.action.typeMode;
  if (value === undefined || value === '') return 'replace';
  if (value === 'replace' || value === 'append') return value;
  throw new RunError('ACTION_FAILED', `Unknown typeMode '${String(value)}'`);
}

export const typeAction: ActionHandler = {
  type: 'type',
  defaultTimeoutMs: ELEMENT_TIMEOUT_MS,
  describe: (ctx) => `Type into ${ctx.text('selector') || 'the focused element'}`,
  async run(ctx) {
    const text = ctx.text('value');
    const mode = typeModeOf(ctx);
    const declaredSecret = ctx.action.secret === true;
    if (declaredSecret) ctx.masker.add(text);
    const target = resolveTarget(ctx);
    if (target?.kind === 'point') {
      await ctx.human.moveTo(target.point, ctx.pacing);
      await ctx.page.mouse.click(target.point.x, target.point.y);
    } else if (target) {
      await waitForElement(ctx, target.locator, target.label);
      await mapTimeout(target.locator.focus({ timeout: ctx.remainingMs() }), 'SELECTOR_NOT_FOUND', `Focusing '${target.label}'`);
    }
    const field = await ctx.page.evaluate(prepareFocusedField, mode);
    const sensitive = declaredSecret || field.password;
    if (sensitive) ctx.masker.add(text);
    if (mode === 'replace' && field.hadContent) await ctx.page.keyboard.press('Delete');
    await ctx.human.typeText(text, sensitive, ctx.pacing);
    const where = target ? target.label : 'the focused element';
    const count = Array.from(text).length;
    const message = `Typed ${count} character${count === 1 ? '' : 's'} into ${where}${mode === 'append' ? ' (append)' : ''}`;
    ctx.info(message);
    return { output: sensitive ? null : text, message };
  },
};
