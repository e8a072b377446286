import { Injectable } from '@nestjs/common';
import { SecretBox } from '../../crypto/secret-box.service.js';
import { SecretMasker } from '../../runner/redaction/secret-masker.js';
import { toText } from '../../runner/templating/render.js';
import type { ExecutionRecord, JsonObject } from '../../storage/ports/index.js';
import { getOwn, hasOwn, setOwn } from '../../tasks/model/coerce.js';
import type { NormalisedTask } from '../../tasks/model/task.types.js';
import { TaskSecrets } from '../../tasks/task-secrets.js';
import { runSpecOf } from '../runs/run-record.js';
import { toJsonValue } from './result-copies.js';

/** What the runner needs from a stored record, in plaintext. */
export interface OpenedRun {
  task: NormalisedTask & { id?: string };
  inputs: Record<string, unknown>;
  /** Values to mask in every output (RUNNER §16). */
  secrets: string[];
}

/** Secret values as text, for the masker (values shorter than 4 characters are never masked). */
export function secretValues(inputs: Record<string, unknown>, names: string[]): string[] {
  return names.filter((n) => hasOwn(inputs, n)).map((n) => toText(getOwn(inputs, n))).filter((s) => s !== '');
}

export function maskWith(secrets: string[], text: string): string {
  return secrets.length === 0 ? text : new SecretMasker(secrets).mask(text);
}

/**
 * Secret values on execution records (RUNNER §16, DECISIONS #11): a queued run must survive a
 * restart, so the snapshot's secret variables and the secret inputs are stored encrypted, and
 * decrypted only when the run starts. Responses mask them (execution.view.ts).
 */
@Injectable()
export class RunSecrets {
  constructor(
    private readonly taskSecrets: TaskSecrets,
    private readonly box: SecretBox,
  ) {}

  sealTask(task: object): JsonObject {
    return toJsonValue(this.taskSecrets.encryptTask(task)) as JsonObject;
  }

  sealInputs(inputs: Record<string, unknown>, secretNames: string[]): JsonObject {
    const out: JsonObject = {};
    for (const name of Object.keys(inputs)) {
      const value = toJsonValue(getOwn(inputs, name));
      setOwn(out, name, secretNames.includes(name) && value !== null ? this.box.encrypt(JSON.stringify(value)) : value);
    }
    return out;
  }

  /** @throws Error when a secret value cannot be decrypted (SECRET_KEY changed) */
  open(record: ExecutionRecord): OpenedRun {
    const spec = runSpecOf(record);
    const task = this.taskSecrets.decryptTask(record.taskSnapshot) as unknown as NormalisedTask & { id?: string };
    if (spec.statelessExecution !== null) task.statelessExecution = spec.statelessExecution;
    const inputs: Record<string, unknown> = {};
    for (const name of Object.keys(record.variables ?? {})) {
      const value: unknown = getOwn(record.variables, name);
      setOwn(inputs, name, spec.secretNames.includes(name) && this.box.isEncrypted(value) ? (JSON.parse(this.box.decrypt(value)) as unknown) : value);
    }
    const declared = Object.keys(task.variables ?? {}).filter((n) => task.variables[n]?.secret === true);
    const names = [...new Set([...declared, ...spec.secretNames])];
    const secrets = [...secretValues(inputs, names), ...declared.map((n) => toText(task.variables[n].value)).filter((s) => s !== '')];
    return { task, inputs, secrets: [...new Set(secrets)] };
  }
}
