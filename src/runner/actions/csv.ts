/** `csv`: RUNNER §7, §7.2. */
import { parseCsv } from '../csv/parse-csv.js';
import { isPlainObject } from '../values/plain-object.js';
import { ELEMENT_TIMEOUT_MS, type ActionHandler } from './action-handler.js';
import { mapTimeout, requireElement, waitForElement } from './elements.js';

/** A string is parsed; arrays and objects pass through; anything else gives `[]`. */
export function csvRows(source: unknown): unknown {
  if (typeof source === 'string') return parseCsv(source);
  if (Array.isArray(source) || isPlainObject(source)) return source;
  return [];
}

export const csvAction: ActionHandler = {
  type: 'csv',
  defaultTimeoutMs: ELEMENT_TIMEOUT_MS,
  storesResult: true,
  describe: (ctx) => (ctx.text('selector') ? `Parse CSV from ${ctx.text('selector')}` : 'Parse CSV'),
  async run(ctx) {
    let source: unknown;
    let from: string;
    const value = ctx.text('value');
    if (value !== '') {
      source = value;
      from = 'value';
    } else if (ctx.text('selector').trim() !== '') {
      const { locator, label } = requireElement(ctx);
      await waitForElement(ctx, locator, label, 'attached');
      source = await mapTimeout(locator.innerText({ timeout: ctx.remainingMs() }), 'SELECTOR_NOT_FOUND', `Reading '${label}'`);
      from = label;
    } else {
      source = ctx.state.output;
      from = 'the previous result';
    }
    const rows = csvRows(source);
    const message = `Parsed ${Array.isArray(rows) ? `${rows.length} row(s)` : 'an object'} from ${from}`;
    ctx.info(message);
    return { output: rows, message };
  },
};
