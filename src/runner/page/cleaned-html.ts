import type { Frame, Page } from 'playwright';

/**
 * In-page function (serialised by Playwright, never added to the page) producing the cleaned HTML
 * of RUNNER §10.2: a clone of the document without script/style/noscript/svg/link elements; with
 * `includeShadowDom`, each open shadow root becomes a first child
 * `<template data-shadowroot="open">…</template>`, recursively. Closed roots are not reachable.
 */
export function cleanedHtmlInPage(arg: { includeShadowDom: boolean; selector?: string }): string[] {
  const DROP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'SVG', 'LINK']);
  const cloneNode = (node: Node): Node | null => {
    if (node.nodeType === Node.ELEMENT_NODE) {
      const el = node as Element;
      if (DROP.has(el.tagName.toUpperCase())) return null;
      const copy = el.cloneNode(false) as Element;
      const shadow = (el as HTMLElement).shadowRoot;
      if (arg.includeShadowDom && shadow) {
        const tpl = document.createElement('template');
        tpl.setAttribute('data-shadowroot', 'open');
        for (const child of Array.from(shadow.childNodes)) {
          const c = cloneNode(child);
          if (c) tpl.content.appendChild(c);
        }
        copy.appendChild(tpl);
      }
      const source = el instanceof HTMLTemplateElement ? el.content : el;
      const target = copy instanceof HTMLTemplateElement ? copy.content : copy;
      for (const child of Array.from(source.childNodes)) {
        const c = cloneNode(child);
        if (c) target.appendChild(c);
      }
      return copy;
    }
    if (node.nodeType === Node.TEXT_NODE || node.nodeType === Node.CDATA_SECTION_NODE) return node.cloneNode(false);
    if (node.nodeType === Node.COMMENT_NODE) return node.cloneNode(false);
    return null;
  };
  const serialise = (el: Element): string => {
    const c = cloneNode(el);
    return c instanceof Element ? c.outerHTML : '';
  };
  if (arg.selector !== undefined) {
    return Array.from(document.querySelectorAll(arg.selector)).map(serialise);
  }
  const doctype = document.doctype ? `<!DOCTYPE ${document.doctype.name}>` : '';
  return [doctype + (document.documentElement ? serialise(document.documentElement) : '')];
}

/** Cleaned HTML of the whole main document. */
export async function cleanedHtml(page: Page | Frame, includeShadowDom: boolean): Promise<string> {
  const [html] = await page.evaluate(cleanedHtmlInPage, { includeShadowDom });
  return html ?? '';
}
