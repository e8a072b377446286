import { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { AppConfig } from '../config/config.schema.js';

/** Field names whose values never reach a log line (RUNNER §16). */
const REDACT_PATHS = [
  'authorization',
  'x-api-key',
  'key',
  'apiKey',
  'password',
  'token',
  '*.authorization',
  '*.x-api-key',
  '*.key',
  '*.apiKey',
  '*.password',
  '*.token',
  'headers.authorization',
  'headers["x-api-key"]',
];

export function createPino(config: Pick<AppConfig, 'logLevel'>, destination?: DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      base: { service: 'figranium' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.epochTime,
    },
    destination,
  );
}

/** Routes Nest's own log calls into pino as structured JSON lines. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

/** Injection token for the root pino logger. */
export const APP_LOGGER = Symbol('APP_LOGGER');
export type AppLogger = Logger;
