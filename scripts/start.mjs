// `npm start`: starts the built server with the browser environment prepared (no downloads).
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserEnv } from './browser-env.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { env, problems } = browserEnv(root);
for (const p of problems) console.warn(`warning: ${p} (the server starts, but runs need it)`);
const child = spawn(process.execPath, [path.join(root, 'dist', 'src', 'main.js')], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ...env },
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
