// `npm run bench`: runs the built benchmarks with the browser environment prepared (no downloads).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserEnv } from './browser-env.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { env, problems } = browserEnv(root);
// ffmpeg only matters with --record (video); Chromium always.
const fatal = problems.filter((p) => !p.startsWith('No ffmpeg') || process.argv.includes('--record'));
for (const p of problems) if (!fatal.includes(p)) console.warn(`warning: ${p}`);
if (fatal.length > 0) {
  console.error(`The benchmarks need:\n  - ${fatal.join('\n  - ')}`);
  process.exit(1);
}
// --expose-gc: the memory figures are taken after a forced collection.
const result = spawnSync(process.execPath, ['--expose-gc', path.join(root, 'dist', 'bench', 'run.js'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...env },
});
process.exit(result.status ?? 1);
