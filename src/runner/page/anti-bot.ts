import type { Page } from 'playwright';
import type { DocumentResponseInfo } from '../browser/browser-session.js';

/** Signals of RUNNER §9.3 read from the main frame. */
export interface PageSignals {
  interstitial: string[]; // S2 selectors that matched
  visibleWidgets: string[]; // S3 widget kinds that are visible
  phrases: string[]; // S4 phrases found
  bodyTextLength: number;
  accessDeniedReference: boolean; // text part of S6
}

const PHRASES = [
  'verify you are human',
  'verifying you are human',
  'checking your browser',
  'checking if the site connection is secure',
  'just a moment...',
  'attention required! | cloudflare',
  'please verify you are a human',
  'are you a robot',
  'press & hold',
  'unusual traffic from your computer network',
  'pardon our interruption',
  'incapsula incident id',
];

/** Runs in the page (serialised by Playwright); reads only, adds nothing. */
function readSignalsInPage(phrases: string[]): PageSignals {
  const interstitialSelectors = [
    '#challenge-form',
    '#challenge-running',
    '#challenge-stage',
    '#cf-challenge-running',
    '.cf-browser-verification',
    '#px-captcha',
    'iframe[src*="captcha-delivery.com"]',
    'iframe[src*="_Incapsula_Resource"]',
  ];
  const interstitial = interstitialSelectors.filter((s) => document.querySelector(s) !== null);
  if (document.querySelector('#captcha-container') && document.querySelector('script[src*="awswaf.com"]')) {
    interstitial.push('#captcha-container+awswaf');
  }
  const visibleWidgets: string[] = [];
  for (const frame of Array.from(document.querySelectorAll('iframe'))) {
    const src = frame.getAttribute('src') ?? '';
    const rect = frame.getBoundingClientRect();
    const style = getComputedStyle(frame);
    const visible = rect.width >= 30 && rect.height >= 30 && style.visibility !== 'hidden' && style.display !== 'none' && Number(style.opacity) > 0;
    if (!visible) continue;
    if ((src.includes('/recaptcha/api2/anchor') || src.includes('/recaptcha/enterprise/anchor')) && !src.includes('size=invisible')) {
      visibleWidgets.push('recaptcha');
    } else if (src.includes('hcaptcha.com')) visibleWidgets.push('hcaptcha');
    else if (src.includes('challenges.cloudflare.com')) visibleWidgets.push('turnstile');
  }
  const bodyText = document.body ? document.body.innerText : '';
  const text = `${document.title}\n${bodyText.slice(0, 5000)}`.toLowerCase();
  return {
    interstitial,
    visibleWidgets,
    phrases: phrases.filter((p) => text.includes(p)),
    bodyTextLength: bodyText.length,
    accessDeniedReference: text.includes('access denied') && text.includes('reference #'),
  };
}

export interface AntiBotVerdict {
  /** anti_bot: the run's outcome becomes anti_bot; warning: log only; none. */
  verdict: 'anti_bot' | 'warning' | 'none';
  signals: string[];
  message: string;
}

/** Pure decision of RUNNER §9.3 from the signals. */
export function decideAntiBot(page: PageSignals, response: DocumentResponseInfo | null, aboutToError: boolean): AntiBotVerdict {
  const s1 = (response?.headers['cf-mitigated'] ?? '').toLowerCase() === 'challenge';
  const s2 = page.interstitial.length > 0;
  const s3 = page.visibleWidgets.length > 0;
  const s4 = page.phrases.length > 0;
  const status = response?.status ?? 0;
  const s5 = status === 403 || status === 429 || status === 503;
  const s6 = status === 403 && page.accessDeniedReference;
  const signals: string[] = [];
  if (s1) signals.push('S1 cf-mitigated header');
  if (s2) signals.push(`S2 interstitial ${page.interstitial.join(', ')}`);
  if (s3) signals.push(`S3 widget ${page.visibleWidgets.join(', ')}`);
  if (s4) signals.push(`S4 text "${page.phrases.join('", "')}"`);
  if (s5) signals.push(`S5 status ${status}`);
  if (s6) signals.push('S6 access denied');
  const detected = s1 || s2 || s6 || (s5 && (s3 || s4)) || (s3 && s4) || (s4 && page.bodyTextLength < 2000) || (s3 && aboutToError);
  if (detected) return { verdict: 'anti_bot', signals, message: `Anti-bot challenge detected (${signals.join('; ')})` };
  if (s3) return { verdict: 'warning', signals, message: `A CAPTCHA widget is visible on the page (${page.visibleWidgets.join(', ')})` };
  return { verdict: 'none', signals, message: '' };
}

/** Reads the page and decides. Never throws: detection errors yield `none` plus the error. */
export async function detectAntiBot(
  page: Page,
  response: DocumentResponseInfo | null,
  aboutToError: boolean,
): Promise<AntiBotVerdict & { detectionError?: string }> {
  try {
    const signals = await page.evaluate(readSignalsInPage, PHRASES);
    return decideAntiBot(signals, response, aboutToError);
  } catch (err) {
    return { verdict: 'none', signals: [], message: '', detectionError: err instanceof Error ? err.message : String(err) };
  }
}
