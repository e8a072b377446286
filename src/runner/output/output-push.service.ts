import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors.js';
import { CredentialsService } from '../../credentials/credentials.service.js';
import { APP_LOGGER, type AppLogger } from '../../logging/app-logger.js';
import type { OutputConfig } from '../../tasks/model/task.types.js';
import type { LogLevel, OutputErrorInfo } from '../runner.types.js';
import { OutputPushError, type OutputCredential } from './output-provider.js';
import { OutputProviderRegistry } from './output-registry.js';

export interface OutputPushRequest {
  runId: string;
  data: unknown;
  output: OutputConfig;
  signal: AbortSignal;
  /** Run log line (the caller masks it). */
  log(level: LogLevel, message: string): void;
  /** Called with the credential's token before anything is sent, so it can be masked. */
  addSecret(value: string): void;
}

export type OutputPushOutcome = { ok: true; rowsWritten: number } | { ok: false; error: OutputErrorInfo };

/**
 * Pushes a successful run's data to its output (RUNNER §14): resolves the provider and the
 * credential, logs the row count or the failure. Deciding what a failure does to the outcome
 * (`onError`) is the caller's. Rethrows the abort reason when `signal` aborts.
 */
@Injectable()
export class OutputPushService {
  constructor(
    private readonly registry: OutputProviderRegistry,
    private readonly credentials: CredentialsService,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async push(request: OutputPushRequest): Promise<OutputPushOutcome> {
    const { output } = request;
    try {
      const provider = this.registry.get(output.provider);
      if (!provider) throw new OutputPushError('UPSTREAM_ERROR', `Unknown output provider '${output.provider}'`);
      const credential = await this.credential(output.credentialId);
      request.addSecret(credential.token);
      const { rowsWritten } = await provider.push(request.data, output, credential, request.signal, {
        notice: (message) => request.log('warn', message),
      });
      request.log('info', `Output: ${rowsWritten} ${rowsWritten === 1 ? 'row' : 'rows'} written to ${output.provider} table ${output.tableId}`);
      return { ok: true, rowsWritten };
    } catch (err) {
      if (request.signal.aborted) throw err;
      const info = toPushError(err).toInfo();
      if (!(err instanceof OutputPushError)) this.logger.error({ runId: request.runId, err }, 'output push failed unexpectedly');
      this.logger.warn({ runId: request.runId, provider: output.provider, code: info.code, upstreamStatus: info.upstreamStatus, rowsWritten: info.rowsWritten }, 'output push failed');
      request.log('error', `Output to ${output.provider} failed (${info.code}): ${info.message}; ${info.rowsWritten} ${info.rowsWritten === 1 ? 'row' : 'rows'} written`);
      return { ok: false, error: info };
    }
  }

  private async credential(id: string): Promise<OutputCredential> {
    try {
      return await this.credentials.connection(id);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'CREDENTIAL_NOT_FOUND') {
        throw new OutputPushError('CREDENTIAL_NOT_FOUND', `Credential ${id} does not exist`);
      }
      if (err instanceof DomainError) throw err;
      // Not a storage failure: decryption failed failed: the stored token is unusable (SECRET_KEY changed?).
      throw new OutputPushError('CREDENTIAL_NOT_FOUND', `Credential ${id} cannot be read (was SECRET_KEY changed?)`);
    }
  }
}

function toPushError(err: unknown): OutputPushError {
  if (err instanceof OutputPushError) return err;
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new OutputPushError('UPSTREAM_ERROR', `Output push failed: ${message}`);
}
