import { InitialSchema1733300000000 } from './1733300000000-initial-schema.js';

/** In order. Listed explicitly (no globs) so the compiled dist/ build finds them. */
export const POSTGRES_MIGRATIONS = [InitialSchema1733300000000];
