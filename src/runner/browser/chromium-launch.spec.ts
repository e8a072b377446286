import { describe, expect, it } from '@jest/globals';
import { CHROMIUM_LAUNCH_ARGS, chromiumLaunchArgs, resolveChromiumExecutable, whichCommand, type ExecutableProbe } from './chromium-launch.js';

function probe(opts: { own?: string | null; existing?: string[]; onPath?: Record<string, string> }): ExecutableProbe & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    playwrightPath: () => opts.own ?? null,
    exists: (p) => (opts.existing ?? []).includes(p),
    which: async (name) => {
      asked.push(name);
      return opts.onPath?.[name] ?? null;
    },
  };
}

describe('resolveChromiumExecutable (RUNNER §11.1 order)', () => {
  it('prefers the configured executable without probing', async () => {
    const p = probe({ own: '/pw/chrome', existing: ['/pw/chrome'], onPath: { chromium: '/usr/bin/chromium' } });
    expect(await resolveChromiumExecutable('/opt/chrome', p)).toEqual({ executablePath: '/opt/chrome', source: 'config' });
    expect(p.asked).toEqual([]);
  });

  it("uses Playwright's own Chromium when it is installed", async () => {
    const p = probe({ own: '/pw/chrome', existing: ['/pw/chrome'], onPath: { chromium: '/usr/bin/chromium' } });
    expect(await resolveChromiumExecutable(undefined, p)).toEqual({ source: 'playwright' });
  });

  it('falls back to chromium, chromium-browser, google-chrome-stable on PATH, in that order', async () => {
    const p = probe({ own: '/pw/chrome', existing: [], onPath: { 'chromium-browser': '/usr/bin/chromium-browser', 'google-chrome-stable': '/usr/bin/google-chrome-stable' } });
    expect(await resolveChromiumExecutable(undefined, p)).toEqual({ executablePath: '/usr/bin/chromium-browser', source: 'system' });
    expect(p.asked).toEqual(['chromium', 'chromium-browser']);
  });

  it('returns null when nothing is found', async () => {
    const p = probe({ own: null });
    expect(await resolveChromiumExecutable('', p)).toBeNull();
    expect(p.asked).toEqual(['chromium', 'chromium-browser', 'google-chrome-stable']);
  });
});

describe('chromiumLaunchArgs', () => {
  it('has exactly the §11.1 arguments, plus --no-sandbox only when asked', () => {
    expect(CHROMIUM_LAUNCH_ARGS).toEqual([
      '--disable-blink-features=AutomationControlled',
      '--disable-dev-shm-usage',
      '--mute-audio',
      '--hide-scrollbars',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ]);
    expect(chromiumLaunchArgs(false)).not.toContain('--no-sandbox');
    expect(chromiumLaunchArgs(true)).toEqual([...CHROMIUM_LAUNCH_ARGS, '--no-sandbox']);
  });
});

describe('whichCommand', () => {
  it('finds a command on PATH as an absolute path, and null for an unknown one', async () => {
    expect(await whichCommand('sh')).toMatch(/^\/.*\/sh$/);
    expect(await whichCommand('definitely-not-a-command-4711')).toBeNull();
    expect(await whichCommand('x"; touch /tmp/pwned-4711; "')).toBeNull();
  });
});
