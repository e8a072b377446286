/**
 * Action handlers by canonical type (RUNNER §7). Control actions (`if`, `else`, `end`, `while`,
 * `repeat`, `foreach`, `on_error`) belong to the interpreter and are not listed here.
 */
import type { CanonicalActionType } from '../../tasks/model/task.types.js';
import type { ActionHandler } from './action-handler.js';
import { checkAction, uncheckAction } from './check.js';
import { clickAction } from './click.js';
import { csvAction } from './csv.js';
import { doNothingAction } from './do-nothing.js';
import { dragAndDropAction } from './drag-and-drop.js';
import { getContentAction } from './get-content.js';
import { hoverAction } from './hover.js';
import { httpRequestAction } from './http-request.js';
import { javascriptAction } from './javascript.js';
import { mergeAction } from './merge.js';
import { navigateAction } from './navigate.js';
import { pressAction } from './press.js';
import { reloadAction } from './reload.js';
import { screenshotAction } from './screenshot.js';
import { scrollAction } from './scroll.js';
import { selectAction } from './select.js';
import { setAction } from './set.js';
import { startAction } from './start.js';
import { stopAction } from './stop.js';
import { typeAction } from './type.js';
import { waitDownloadsAction } from './wait-downloads.js';
import { waitSelectorAction } from './wait-selector.js';
import { waitAction } from './wait.js';

const HANDLERS: readonly ActionHandler[] = [
  navigateAction,
  clickAction,
  typeAction,
  hoverAction,
  pressAction,
  waitAction,
  waitSelectorAction,
  waitDownloadsAction,
  scrollAction,
  screenshotAction,
  javascriptAction,
  csvAction,
  mergeAction,
  setAction,
  stopAction,
  startAction,
  httpRequestAction,
  getContentAction,
  selectAction,
  checkAction,
  uncheckAction,
  reloadAction,
  dragAndDropAction,
  doNothingAction,
];

export const ACTION_HANDLERS: ReadonlyMap<CanonicalActionType, ActionHandler> = new Map(HANDLERS.map((h) => [h.type, h]));

export function handlerFor(type: CanonicalActionType): ActionHandler | undefined {
  return ACTION_HANDLERS.get(type);
}
