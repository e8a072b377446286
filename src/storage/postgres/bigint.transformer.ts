import type { ValueTransformer } from 'typeorm';

/**
 * PostgreSQL `bigint` columns (ms timestamps, durations) as JS numbers. The pool also parses
 * int8 as numbers (see postgres-options.ts); this keeps entity reads correct on any pool.
 */
export const bigintTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? value : Number(value)),
};
