// `npm test`: checks what the tests need, prepares the browser environment, runs every Jest test.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserEnv } from './browser-env.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!existsSync(path.join(root, 'node_modules', '.bin', 'jest'))) {
  console.error('Dependencies are missing: run `npm ci` first.');
  process.exit(1);
}
const { env, problems } = browserEnv(root);
if (problems.length > 0) {
  console.error(`The end-to-end tests need a browser and ffmpeg:\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}
const resultsFile = path.join(root, '.test-tmp', 'jest-results.json');
mkdirSync(path.dirname(resultsFile), { recursive: true });
rmSync(resultsFile, { force: true });
const args = [...process.argv.slice(2), '--json', `--outputFile=${resultsFile}`];
const result = spawnSync(path.join(root, 'node_modules', '.bin', 'jest'), args, {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    ...env,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim(),
  },
});
if (existsSync(resultsFile)) {
  const r = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const skipped = r.numPendingTests + r.numTodoTests;
  // The plain closing line CI reads.
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
}
process.exit(result.status ?? 1);
