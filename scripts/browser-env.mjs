// Works out how Playwright finds Chromium and ffmpeg on this machine, without downloading
// anything: Playwright's own browsers when installed, else a system Chromium, and Debian's
// ffmpeg linked where Playwright looks for its own (needed for video recording).
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, lstatSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome-stable', '/usr/bin/google-chrome'];
const SYSTEM_FFMPEG = ['/usr/bin/ffmpeg', '/usr/local/bin/ffmpeg'];

function revision(root, name) {
  const file = path.join(root, 'node_modules', 'playwright-core', 'browsers.json');
  const browsers = JSON.parse(readFileSync(file, 'utf8')).browsers;
  return browsers.find((b) => b.name === name)?.revision;
}

function replaceLink(target, link) {
  if (existsSync(link) || isLink(link)) rmSync(link, { force: true, recursive: false });
  symlinkSync(target, link);
}

function isLink(p) {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Returns the environment additions for Playwright and a list of problems (what is missing and
 * how to install it). `root` is the repository root.
 */
export function browserEnv(root, env = process.env) {
  const problems = [];
  const out = {};
  const defaultPath = env.PLAYWRIGHT_BROWSERS_PATH || path.join(homedir(), '.cache', 'ms-playwright');
  const chromiumRev = revision(root, 'chromium');
  const ffmpegRev = revision(root, 'ffmpeg');
  const pwChromium = ['chromium', 'chromium_headless_shell'].some((d) => existsSync(path.join(defaultPath, `${d}-${chromiumRev}`)));
  const pwFfmpeg = existsSync(path.join(defaultPath, `ffmpeg-${ffmpegRev}`, 'ffmpeg-linux'));

  if (env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH) {
    if (!existsSync(env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH)) {
      problems.push(`PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH points to ${env.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH}, which does not exist`);
    }
  } else if (!pwChromium) {
    const system = SYSTEM_CHROMIUM.find((p) => existsSync(p));
    if (system) out.PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH = system;
    else problems.push('No Chromium found: install one with `apt-get install -y chromium` (Debian/Ubuntu) or `npx playwright install chromium`, or set PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH');
  }

  if (!pwFfmpeg) {
    const ffmpeg = SYSTEM_FFMPEG.find((p) => existsSync(p));
    if (!ffmpeg) {
      problems.push('No ffmpeg for video recording: install it with `apt-get install -y ffmpeg` or `npx playwright install ffmpeg`');
    } else {
      // A private browsers folder: Playwright's own browsers (if any) linked in, plus ffmpeg.
      const local = path.join(root, '.browsers');
      mkdirSync(path.join(local, `ffmpeg-${ffmpegRev}`), { recursive: true });
      replaceLink(ffmpeg, path.join(local, `ffmpeg-${ffmpegRev}`, 'ffmpeg-linux'));
      if (existsSync(defaultPath) && path.resolve(defaultPath) !== path.resolve(local)) {
        for (const entry of readdirSync(defaultPath)) {
          if (entry.startsWith('ffmpeg-')) continue;
          replaceLink(path.join(defaultPath, entry), path.join(local, entry));
        }
      }
      out.PLAYWRIGHT_BROWSERS_PATH = local;
    }
  }
  return { env: out, problems };
}
