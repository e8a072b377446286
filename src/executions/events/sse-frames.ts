/** Wire format of Server-Sent Events (API §5.3). Pure functions, no I/O. */

export const SSE_RETRY_MS = 3000;
export const SSE_KEEP_ALIVE_FRAME = ': keep-alive\n\n';

/** Field values must be single lines; a CR or LF would start a new SSE field. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

export function retryFrame(ms: number = SSE_RETRY_MS): string {
  return `retry: ${ms}\n\n`;
}

/** One event. `data` is serialised as one-line JSON (JSON.stringify escapes CR/LF in strings). */
export function eventFrame(event: string, data: unknown, id?: string): string {
  const idLine = id === undefined ? '' : `id: ${oneLine(id)}\n`;
  return `${idLine}event: ${oneLine(event)}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * `Last-Event-ID` (or `lastEventId`) as a seq: plain digits, or the `<executionId>:<seq>` form
 * of the unfiltered stream when it names this execution. Anything else means "from the start".
 */
export function parseLastEventId(raw: string | undefined, executionId: string): number {
  if (raw === undefined) return 0;
  const text = raw.trim();
  if (/^\d{1,15}$/.test(text)) return Number(text);
  const colon = text.lastIndexOf(':');
  if (colon > 0 && text.slice(0, colon) === executionId) {
    const seq = text.slice(colon + 1);
    if (/^\d{1,15}$/.test(seq)) return Number(seq);
  }
  return 0;
}
