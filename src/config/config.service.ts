import type { AppConfig } from './config.schema.js';

/** Injection token for the validated configuration. Inject with `@Inject(APP_CONFIG)`. */
export const APP_CONFIG = Symbol('APP_CONFIG');
export type { AppConfig };
