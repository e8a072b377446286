import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../src/app.factory.js';
import { type AppConfig, loadConfig } from '../src/config/config.schema.js';
import { createPino } from '../src/logging/app-logger.js';
import { TaskRunner } from '../src/runner/runner.types.js';
import { BrowserTaskRunner } from '../src/runner/task-runner.service.js';

export interface BenchApp {
  app: NestExpressApplication;
  config: AppConfig;
  url: string;
  apiKey: string;
  runner: TaskRunner;
  /** Server log lines at warn level or above (JSON text). */
  problems: string[];
  close(): Promise<void>;
}

/** Environment the bench passes through to the app: only how to find and start Chromium. */
const PASSED_THROUGH = ['PLAYWRIGHT_CHROMIUM_EXECUTABLE_PATH', 'CHROMIUM_NO_SANDBOX'] as const;

/**
 * The real app (JSON storage in `dataDir`, private networks allowed so the runner may load the
 * bench page on 127.0.0.1), listening on 127.0.0.1 on an ephemeral port.
 */
export async function startBenchApp(dataDir: string): Promise<BenchApp> {
  const apiKey = randomBytes(24).toString('hex');
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    CAPTURES_DIR: path.join(dataDir, 'captures'),
    DB_TYPE: 'json',
    ALLOW_PRIVATE_NETWORKS: 'true',
    API_KEY: apiKey,
    LOG_LEVEL: 'warn',
  };
  for (const name of PASSED_THROUGH) {
    const value = process.env[name];
    if (value) env[name] = value;
  }
  const config = loadConfig(env);
  const problems: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      problems.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const app = await createApp(config, { logger: createPino(config, sink) });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    config,
    url: `http://127.0.0.1:${port}`,
    apiKey,
    runner: browserRunner(app),
    problems,
    close: () => app.close(),
  };
}

/** The app's real TaskRunner (the executions module also registers a stand-in under the same token). */
function browserRunner(app: NestExpressApplication): TaskRunner {
  const all = app.get(TaskRunner, { strict: false, each: true });
  const real = all.find((r) => r instanceof BrowserTaskRunner);
  if (!real) throw new Error(`no BrowserTaskRunner in the app (found: ${all.map((r) => r.constructor.name).join(', ') || 'none'})`);
  return real;
}
