import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/config.schema.js';
import { createPino } from './logging/app-logger.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createPino(config);
  try {
    const app = await createApp(config, { logger });
    await app.listen(config.port, config.host);
    logger.info({ host: config.host, port: config.port, storage: config.storage }, `Figranium listening on http://${config.host}:${config.port}`);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    logger.fatal({ err }, `Startup failed: ${message}`);
    process.stderr.write(`Startup failed: ${message}\n`);
    process.exit(1);
  }
}

void main();
