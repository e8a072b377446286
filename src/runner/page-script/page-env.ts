/**
 * In-page half of the page-script environment (RUNNER §7.1). `createPageEnv` is serialised into
 * the expression sent to the page and runs there, in the main world, once per call: nothing
 * persistent is added to the page (no globals, no DOM changes, no patched functions).
 */

export interface PageEnvOptions {
  includeShadowDom: boolean;
  maxResultBytes: number;
}

export type PageEnvelope =
  | { ok: true; undefined: boolean; json: string }
  | { ok: false; kind: 'error' | 'not_serializable' | 'too_large'; message: string };

type CleanedHtmlFn = (arg: { includeShadowDom: boolean }) => string[];

export interface PageEnv {
  vars: Record<string, unknown>;
  block: unknown;
  loop: unknown;
  exists: (css: string) => boolean;
  text: (css: string) => string;
  url: () => string;
  $$data: {
    html: () => string;
    url: () => string;
    vars: Record<string, unknown>;
    shadowQueryAll: (css: string, root?: ParentNode) => Element[];
    shadowText: (root?: Node) => string;
  };
  failure: (error: unknown) => PageEnvelope;
  encode: (value: unknown) => PageEnvelope;
}

export function createPageEnv(options: PageEnvOptions, vars: Record<string, unknown>, cleanedHtml: CleanedHtmlFn): PageEnv {
  const describe = (error: unknown): string => {
    try {
      if (error instanceof Error) return error.name && error.message ? `${error.name}: ${error.message}` : String(error.message || error.name);
      if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
        return (error as { message: string }).message;
      }
      return String(error);
    } catch {
      return 'Unknown error';
    }
  };
  const shadowQueryAll = (css: string, root: ParentNode = document): Element[] => {
    const found: Element[] = [];
    const seen = new Set<Element>();
    const visit = (scope: ParentNode): void => {
      for (const el of Array.from(scope.querySelectorAll(css))) {
        if (!seen.has(el)) {
          seen.add(el);
          found.push(el);
        }
      }
      for (const el of Array.from(scope.querySelectorAll('*'))) {
        const shadow = (el as HTMLElement).shadowRoot;
        if (shadow) visit(shadow);
      }
    };
    visit(root);
    return found;
  };
  const SKIP_TEXT = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE']);
  const shadowText = (root: Node = document.body): string => {
    const parts: string[] = [];
    const visit = (node: Node): void => {
      if (node.nodeType === Node.TEXT_NODE) {
        parts.push((node as Text).data);
        return;
      }
      if (node.nodeType === Node.ELEMENT_NODE) {
        const el = node as HTMLElement;
        if (SKIP_TEXT.has(el.tagName.toUpperCase())) return;
        if (el.shadowRoot) for (const child of Array.from(el.shadowRoot.childNodes)) visit(child);
      }
      for (const child of Array.from(node.childNodes)) visit(child);
    };
    if (root) visit(root);
    return parts.join(' ').replace(/\s+/g, ' ').trim();
  };
  const pageUrl = (): string => location.href;
  return {
    vars,
    block: vars.block,
    loop: vars.loop === undefined ? null : vars.loop,
    exists: (css: string) => document.querySelector(css) !== null,
    text: (css: string) => (document.querySelector(css)?.textContent ?? '').trim(),
    url: pageUrl,
    $$data: {
      html: () => cleanedHtml({ includeShadowDom: options.includeShadowDom })[0] ?? '',
      url: pageUrl,
      vars,
      shadowQueryAll,
      shadowText,
    },
    failure: (error: unknown) => ({ ok: false, kind: 'error', message: describe(error) }),
    encode: (value: unknown) => {
      if (value === undefined) return { ok: true, undefined: true, json: 'null' };
      let json: string | undefined;
      try {
        json = JSON.stringify(value);
      } catch (error) {
        return { ok: false, kind: 'not_serializable', message: describe(error) };
      }
      if (json === undefined) json = 'null';
      if (json.length * 3 > options.maxResultBytes) {
        const bytes = new TextEncoder().encode(json).length;
        if (bytes > options.maxResultBytes) {
          return { ok: false, kind: 'too_large', message: `Result is ${bytes} bytes when encoded (limit ${options.maxResultBytes})` };
        }
      }
      return { ok: true, undefined: false, json };
    },
  };
}
