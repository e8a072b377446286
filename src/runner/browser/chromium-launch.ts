import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Launch arguments of RUNNER §11.1 (`--no-sandbox` is added separately). */
export const CHROMIUM_LAUNCH_ARGS: readonly string[] = [
  '--disable-blink-features=AutomationControlled',
  '--disable-dev-shm-usage',
  '--mute-audio',
  '--hide-scrollbars',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** System Chromium names looked up on PATH, in this order (RUNNER §11.1 decision). */
export const SYSTEM_CHROMIUM_NAMES: readonly string[] = ['chromium', 'chromium-browser', 'google-chrome-stable'];

export function chromiumLaunchArgs(noSandbox: boolean): string[] {
  return noSandbox ? [...CHROMIUM_LAUNCH_ARGS, '--no-sandbox'] : [...CHROMIUM_LAUNCH_ARGS];
}

export type ExecutableSource = 'config' | 'playwright' | 'system';

export interface ResolvedExecutable {
  /** Absolute path; undefined = Playwright's own installed Chromium. */
  executablePath?: string;
  source: ExecutableSource;
}

export interface ExecutableProbe {
  /** Playwright's expected Chromium path (`chromium.executablePath()`), or null when unknown. */
  playwrightPath(): string | null;
  exists(path: string): boolean;
  /** Absolute path of a command found on PATH, or null. */
  which(command: string): Promise<string | null>;
}

/**
 * Decision order of RUNNER §11.1: the configured executable; else Playwright's installed
 * Chromium when it exists on disk; else the first system Chromium on PATH. Null when none.
 */
export async function resolveChromiumExecutable(configured: string | undefined, probe: ExecutableProbe): Promise<ResolvedExecutable | null> {
  if (configured) return { executablePath: configured, source: 'config' };
  const own = probe.playwrightPath();
  if (own !== null && probe.exists(own)) return { source: 'playwright' };
  for (const name of SYSTEM_CHROMIUM_NAMES) {
    const found = await probe.which(name);
    if (found !== null) return { executablePath: found, source: 'system' };
  }
  return null;
}

/** `command -v` through the POSIX shell, so PATH is read by the shell rather than by us. */
export function whichCommand(command: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', 'command -v "$1"', 'sh', command], { timeout: 5000 }, (err, stdout) => {
      const found = String(stdout).trim();
      resolve(err || !found.startsWith('/') ? null : found);
    });
  });
}

export function systemExecutableProbe(playwrightPath: () => string): ExecutableProbe {
  return {
    playwrightPath: () => {
      try {
        return playwrightPath();
      } catch {
        return null;
      }
    },
    exists: (p) => existsSync(p),
    which: whichCommand,
  };
}
