import { Inject, Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../common/errors.js';
import { newId } from '../common/ids.js';
import { APP_CONFIG, type AppConfig } from '../config/config.service.js';
import { CredentialRepository } from '../storage/ports/index.js';
import { getOwn, isPlainObject } from './model/coerce.js';
import type { NormalisedTask } from './model/task.types.js';
import { unsafeTextFields } from '../common/text-safety.js';
import { validateTask, type TaskValidationContext } from './model/validate-task.js';

/** Ids that can exist at all; anything else is not looked up (keeps NUL bytes and huge strings away from storage). */
export const PLAUSIBLE_STORED_ID = /^[\x21-\x7e]{1,200}$/;

/**
 * Runs validateTask with the server's limits and the async lookups it needs done beforehand
 * (the output credential). Throws ValidationFailedError listing every problem.
 */
@Injectable()
export class TaskInputValidator {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly credentials: CredentialRepository,
  ) {}

  /**
   * `storedVariables`: the variables stored for this task, decrypted (API §3 secret-mask rule).
   * `adhocMode`: validate an ad-hoc run body (API §4.6).
   */
  async validate(input: unknown, storedVariables?: unknown, adhocMode?: TaskValidationContext['adhocMode']): Promise<NormalisedTask> {
    const credentialId = outputCredentialId(input);
    const credentialFound = credentialId !== undefined && (await this.credentials.get(credentialId)) !== null;
    const result = validateTask(input, {
      maxTaskBytes: this.config.maxTaskBytes,
      maxRunTimeoutSeconds: this.config.maxRunTimeoutSeconds,
      credentialExists: (id) => credentialFound && id === credentialId,
      newActionId: () => newId('act'),
      storedVariables,
      adhocMode,
    });
    const unsafe = unsafeTextFields(input);
    if ('errors' in result || unsafe.length > 0) throw new ValidationFailedError([...('errors' in result ? result.errors : []), ...unsafe]);
    return result.task;
  }
}

function outputCredentialId(input: unknown): string | undefined {
  if (!isPlainObject(input)) return undefined;
  const output = getOwn(input, 'output');
  if (!isPlainObject(output)) return undefined;
  const id = getOwn(output, 'credentialId');
  return typeof id === 'string' && PLAUSIBLE_STORED_ID.test(id) ? id : undefined;
}
