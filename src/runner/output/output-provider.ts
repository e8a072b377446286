/**
 * Output providers (RUNNER §14): where a successful run's `data` is pushed. A provider is one
 * folder with a class implementing OutputProvider, registered in output.module.ts.
 */
import type { BaserowConnection } from '../../credentials/baserow/baserow-token.js';
import type { OutputConfig } from '../../tasks/model/task.types.js';
import type { OutputErrorInfo } from '../runner.types.js';

/** A decrypted credential (API §8): every provider today talks to `baseUrl` with `token`. */
export type OutputCredential = BaserowConnection;

export interface OutputPushHooks {
  /** Progress worth a run log line (e.g. a retry); plain text, masked by the caller. */
  notice?(message: string): void;
}

export interface OutputProvider {
  /** The `output.provider` value this provider handles. */
  readonly name: string;
  /** Pushes `data`; throws OutputPushError on failure, or the abort reason when `signal` aborts. */
  push(data: unknown, output: OutputConfig, credential: OutputCredential, signal: AbortSignal, hooks?: OutputPushHooks): Promise<{ rowsWritten: number }>;
}

export type OutputErrorCode = OutputErrorInfo['code'];

/** A failed push, as it ends up in `result.outputError`. */
export class OutputPushError extends Error {
  override readonly name = 'OutputPushError';

  constructor(
    readonly code: OutputErrorCode,
    message: string,
    readonly rowsWritten = 0,
    readonly upstreamStatus?: number | null,
  ) {
    super(message);
  }

  toInfo(): OutputErrorInfo {
    const info: OutputErrorInfo = { code: this.code, message: this.message, rowsWritten: this.rowsWritten };
    if (this.upstreamStatus !== undefined) info.upstreamStatus = this.upstreamStatus;
    return info;
  }
}

/** Injection token: the array of every registered provider. */
export const OUTPUT_PROVIDERS = Symbol('OUTPUT_PROVIDERS');
