/** `select`: RUNNER §7 (native <select>: option by value, else by label). */
import { RunError } from '../run-error.js';
import { ELEMENT_TIMEOUT_MS, type ActionHandler } from './action-handler.js';
import { mapTimeout, requireElement, waitForElement } from './elements.js';

type Options = { options: Array<{ value: string; label: string }> } | null;

/** In-page: the options of a <select>, or null for any other element. */
function readOptions(el: Element): Options {
  if (!(el instanceof HTMLSelectElement)) return null;
  return { options: Array.from(el.options).map((o) => ({ value: o.value, label: o.label })) };
}

export function chooseOption(options: ReadonlyArray<{ value: string; label: string }>, wanted: string): number {
  const byValue = options.findIndex((o) => o.value === wanted);
  if (byValue >= 0) return byValue;
  return options.findIndex((o) => o.label.trim() === wanted.trim());
}

export const selectAction: ActionHandler = {
  type: 'select',
  defaultTimeoutMs: ELEMENT_TIMEOUT_MS,
  describe: (ctx) => `Select ${ctx.text('value')} in ${ctx.text('selector')}`,
  async run(ctx) {
    const wanted = ctx.text('value');
    const { locator, label } = requireElement(ctx);
    await waitForElement(ctx, locator, label);
    const found = await mapTimeout(locator.evaluate(readOptions), 'SELECTOR_NOT_FOUND', `Reading '${label}'`);
    if (!found) throw new RunError('ACTION_FAILED', `'${label}' is not a <select> element`);
    const index = chooseOption(found.options, wanted);
    if (index < 0) throw new RunError('ACTION_FAILED', `'${label}' has no option with value or label '${wanted}'`);
    await mapTimeout(locator.selectOption({ index }, { timeout: ctx.remainingMs() }), 'ACTION_TIMEOUT', `Selecting in '${label}'`);
    const message = `Selected '${found.options[index].label}' (${found.options[index].value}) in ${label}`;
    ctx.info(message);
    return { output: wanted, message };
  },
};
