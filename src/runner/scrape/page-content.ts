/**
 * What scrape mode reads from the page (RUNNER §13 steps 6–7): the cleaned HTML of the
 * selector's matches or of the body, the title, and the page's absolute http(s) links.
 */
import type { Page } from 'playwright';
import { cleanedHtmlInPage } from '../page/cleaned-html.js';
import type { ScrapeFields } from '../finalize/result.js';

export const MAX_LINKS = 5000;

interface InPageContent {
  matches: string[] | null;
  selectorError: string | null;
  bodyOuter: string;
  bodyShell: string;
  title: string;
  links: string[];
}

/**
 * Runs in the page: `clean` is `cleanedHtmlInPage` (passed as source, since an evaluated function
 * cannot reach module scope). `bodyShell` is the body's own tags, to cut its inner HTML out of
 * the cleaned outer HTML.
 */
function readContentInPage(clean: (arg: { includeShadowDom: boolean; selector?: string }) => string[], arg: { includeShadowDom: boolean; selector: string | null; maxLinks: number }): InPageContent {
  let matches: string[] | null = null;
  let selectorError: string | null = null;
  if (arg.selector !== null) {
    try {
      matches = clean({ includeShadowDom: arg.includeShadowDom, selector: arg.selector });
    } catch (error) {
      selectorError = error instanceof Error ? error.message : String(error);
    }
  }
  const body = document.body;
  const bodyOuter = body ? (clean({ includeShadowDom: arg.includeShadowDom, selector: 'body' })[0] ?? '') : '';
  const bodyShell = body ? (body.cloneNode(false) as Element).outerHTML : '';
  const links: string[] = [];
  const seen = new Set<string>();
  for (const anchor of Array.from(document.querySelectorAll('a[href]'))) {
    if (links.length >= arg.maxLinks) break;
    const href = (anchor as HTMLAnchorElement).href;
    if (typeof href !== 'string' || !/^https?:/i.test(href) || seen.has(href)) continue;
    seen.add(href);
    links.push(href);
  }
  return { matches, selectorError, bodyOuter, bodyShell, title: document.title, links };
}

const EXPRESSION_BUILDER = readContentInPage.toString();
const CLEAN_SOURCE = cleanedHtmlInPage.toString();

/** `<body a="b">inner</body>` → `inner`, given the body's shell `<body a="b"></body>`. */
export function innerOf(outer: string, shell: string): string {
  const closing = '</body>';
  const opening = shell.endsWith(closing) ? shell.slice(0, shell.length - closing.length) : '';
  if (opening !== '' && outer.startsWith(opening) && outer.endsWith(closing)) return outer.slice(opening.length, outer.length - closing.length);
  // Fallback: drop the first tag and the closing tag.
  const start = outer.indexOf('>');
  const end = outer.lastIndexOf(closing);
  return start >= 0 && end > start ? outer.slice(start + 1, end) : outer;
}

export interface ScrapeContent {
  html: string;
  scrape: ScrapeFields;
  /** The selector could not be used (invalid CSS): the body was captured instead. */
  selectorError?: string;
}

export async function readScrapeContent(page: Page, selector: string, includeShadowDom: boolean): Promise<ScrapeContent> {
  const arg = { includeShadowDom, selector: selector === '' ? null : selector, maxLinks: MAX_LINKS };
  const expression = `(${EXPRESSION_BUILDER})((${CLEAN_SOURCE}), ${JSON.stringify(arg)})`;
  const content = (await page.evaluate(expression)) as InPageContent;
  const fields = { title: content.title, links: content.links };
  if (selector === '') {
    return { html: innerOf(content.bodyOuter, content.bodyShell), scrape: { ...fields, is_partial: false, selector_used: 'body (default)' } };
  }
  if (content.matches !== null && content.matches.length > 0) {
    return { html: content.matches.join('\n'), scrape: { ...fields, is_partial: true, selector_used: selector } };
  }
  const fallback: ScrapeContent = { html: innerOf(content.bodyOuter, content.bodyShell), scrape: { ...fields, is_partial: false, selector_used: `${selector} (not found, using body)` } };
  if (content.selectorError !== null) fallback.selectorError = content.selectorError;
  return fallback;
}
