/** Text of a `console.*` call as reported by CDP `Runtime.consoleAPICalled` (RUNNER §7.1). */

export interface PropertyPreviewLike {
  name: string;
  type: string;
  value?: string;
  subtype?: string;
}

export interface RemoteObjectLike {
  type: string;
  subtype?: string;
  value?: unknown;
  unserializableValue?: string;
  description?: string;
  preview?: { overflow?: boolean; properties?: PropertyPreviewLike[]; subtype?: string };
}

export const MAX_CONSOLE_LINE_CHARS = 2000;

function previewValue(p: PropertyPreviewLike): string {
  if (p.type === 'string') return JSON.stringify(p.value ?? '');
  return p.value ?? p.type;
}

function formatObject(obj: RemoteObjectLike): string {
  if (obj.subtype === 'null') return 'null';
  if (obj.subtype === 'error') return (obj.description ?? 'Error').split('\n')[0];
  const props = obj.preview?.properties;
  if (!props) return obj.description ?? obj.type;
  const more = obj.preview?.overflow ? ', …' : '';
  if (obj.subtype === 'array') return `[${props.map(previewValue).join(', ')}${more}]`;
  if (obj.subtype === undefined && (obj.description === 'Object' || obj.description === undefined)) {
    return `{${props.map((p) => `${p.name}: ${previewValue(p)}`).join(', ')}${more}}`;
  }
  return obj.description ?? obj.type;
}

export function formatRemoteObject(obj: RemoteObjectLike): string {
  switch (obj.type) {
    case 'string':
      return typeof obj.value === 'string' ? obj.value : String(obj.value ?? '');
    case 'undefined':
      return 'undefined';
    case 'number':
    case 'boolean':
    case 'bigint':
      return obj.unserializableValue ?? obj.description ?? String(obj.value);
    case 'object':
      return formatObject(obj);
    default:
      return obj.description ?? obj.type;
  }
}

/** Arguments joined by spaces, cut to 2000 characters. */
export function formatConsoleArgs(args: readonly RemoteObjectLike[]): string {
  const text = args.map(formatRemoteObject).join(' ');
  return text.length > MAX_CONSOLE_LINE_CHARS ? text.slice(0, MAX_CONSOLE_LINE_CHARS) : text;
}
