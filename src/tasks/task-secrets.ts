import { Injectable } from '@nestjs/common';
import { SecretBox } from '../crypto/secret-box.service.js';
import { getOwn, hasOwn, setOwn, type PlainObject } from './model/coerce.js';
import { SECRET_MASK } from './model/task.types.js';

/** A stored secret variable value could not be decrypted (wrong SECRET_KEY or damaged data). */
export class SecretDecryptionError extends Error {
  constructor(readonly variable: string) {
    super(`Secret variable '${variable}' cannot be decrypted`);
    this.name = 'SecretDecryptionError';
  }
}

/** A stored task opened for editing: plaintext values plus the map for validateTask's secret-mask rule. */
export interface OpenedTask {
  /** The task with secret values decrypted; a value that cannot be decrypted reads as the mask. */
  task: PlainObject;
  /** `ctx.storedVariables` for validateTask: undecryptable secrets have no `value`, so echoing the mask for them is refused. */
  storedVariables: PlainObject;
}

/**
 * Any non-array object. Deliberately looser than the model's isPlainObject: stored tasks may come
 * from another realm (structuredClone under a VM context), and a secret must never be skipped.
 */
function isRecord(v: unknown): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isSecretEntry(entry: unknown): entry is PlainObject {
  return isRecord(entry) && getOwn(entry, 'secret') === true && hasOwn(entry, 'value');
}

/**
 * Encryption at rest of secret variable values (API §3, DECISIONS #11). A stored secret value is
 * `SecretBox.encrypt(JSON.stringify(value))`, so values of every variable type round-trip.
 * Everything else in the task is left as it is.
 */
@Injectable()
export class TaskSecrets {
  constructor(private readonly box: SecretBox) {}

  /** Copy of a plaintext task with every secret variable value encrypted. */
  encryptTask<T extends object>(task: T): T {
    return this.mapSecretValues(task, (_name, value) => this.box.encrypt(JSON.stringify(value)));
  }

  /**
   * Copy of a stored task with every secret variable value decrypted (for the runner). Values
   * stored unencrypted (older data) are returned as they are.
   * @throws SecretDecryptionError when a value cannot be decrypted
   */
  decryptTask<T extends object>(task: T): T {
    return this.mapSecretValues(task, (name, value) => {
      const plain = this.tryDecrypt(value);
      if (!plain.ok) throw new SecretDecryptionError(name);
      return plain.value;
    });
  }

  /** Decrypts a stored task for PATCH/PUT/POST/rollback without failing on undecryptable values. */
  openForEdit(task: object): OpenedTask {
    const undecryptable = new Set<string>();
    const copy: PlainObject = {};
    for (const key of Object.keys(task)) setOwn(copy, key, getOwn(task, key));
    const opened = this.mapSecretValues(copy, (name, value) => {
      const plain = this.tryDecrypt(value);
      if (plain.ok) return plain.value;
      undecryptable.add(name);
      return SECRET_MASK;
    });
    const storedVariables: PlainObject = {};
    const variables = getOwn(opened, 'variables');
    if (isRecord(variables)) {
      for (const name of Object.keys(variables)) {
        const entry = getOwn(variables, name);
        if (undecryptable.has(name) && isRecord(entry)) {
          const withoutValue: PlainObject = {};
          for (const key of Object.keys(entry)) if (key !== 'value') setOwn(withoutValue, key, getOwn(entry, key));
          setOwn(storedVariables, name, withoutValue);
        } else {
          setOwn(storedVariables, name, entry);
        }
      }
    }
    return { task: opened, storedVariables };
  }

  private tryDecrypt(value: unknown): { ok: true; value: unknown } | { ok: false } {
    if (!this.box.isEncrypted(value)) return { ok: true, value };
    try {
      return { ok: true, value: JSON.parse(this.box.decrypt(value)) as unknown };
    } catch {
      return { ok: false };
    }
  }

  /** Shallow copies of the task and its variables map, with `fn` applied to each secret value. */
  private mapSecretValues<T extends object>(task: T, fn: (name: string, value: unknown) => unknown): T {
    const variables = getOwn(task, 'variables');
    if (!isRecord(variables)) return task;
    const outVars: PlainObject = {};
    for (const name of Object.keys(variables)) {
      const entry = getOwn(variables, name);
      if (!isSecretEntry(entry)) {
        setOwn(outVars, name, entry);
        continue;
      }
      const copy: PlainObject = {};
      for (const key of Object.keys(entry)) setOwn(copy, key, getOwn(entry, key));
      setOwn(copy, 'value', fn(name, getOwn(entry, 'value')));
      setOwn(outVars, name, copy);
    }
    const out: PlainObject = {};
    for (const key of Object.keys(task)) setOwn(out, key, getOwn(task, key));
    setOwn(out, 'variables', outVars);
    return out as T;
  }
}
