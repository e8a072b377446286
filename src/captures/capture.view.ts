import { parseCaptureName, type CaptureType } from './capture-name.js';
import type { CaptureFileInfo } from './store/capture-store.js';

/** The Capture object of API §6.1. */
export interface Capture {
  name: string;
  url: string;
  type: CaptureType;
  size: number;
  modified: number;
  runId?: string;
}

export function captureUrl(name: string): string {
  return `/captures/${name}`;
}

/** Null for a name that is not a valid capture name. */
export function toCapture(file: CaptureFileInfo): Capture | null {
  const parsed = parseCaptureName(file.name);
  if (!parsed) return null;
  return { name: file.name, url: captureUrl(file.name), type: parsed.type, size: file.size, modified: file.modified, runId: parsed.runId };
}

/** `modified` descending; the name breaks ties so the order is stable. */
export function byModifiedDesc(a: Capture, b: Capture): number {
  return b.modified - a.modified || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0);
}
