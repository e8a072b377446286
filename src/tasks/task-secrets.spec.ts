import type { SecretBox } from '../crypto/secret-box.service.js';
import { SECRET_MASK } from './model/task.types.js';
import { SecretDecryptionError, TaskSecrets } from './task-secrets.js';

/** A reversible stand-in for SecretBox (the real cipher is tested with the crypto module). */
const fakeBox = {
  encrypt: (plain: string) => `enc:v1:${Buffer.from(plain).toString('base64url')}`,
  decrypt: (cipher: string) => {
    if (cipher.endsWith('BAD')) throw new Error('auth tag mismatch');
    return Buffer.from(cipher.slice('enc:v1:'.length), 'base64url').toString();
  },
  isEncrypted: (v: unknown): v is string => typeof v === 'string' && v.startsWith('enc:v1:'),
} as unknown as SecretBox;

const task = {
  id: 'task_1',
  name: 'T',
  variables: {
    pw: { type: 'string', value: 'hunter22', secret: true },
    list: { type: 'json', value: [1, { a: 'b' }], secret: true, autoCreated: true },
    q: { type: 'string', value: 'lamp' },
  },
};

describe('TaskSecrets', () => {
  const secrets = new TaskSecrets(fakeBox);

  it('encrypts only secret values, of any type, and leaves the input alone', () => {
    const enc = secrets.encryptTask(task);
    expect(enc.variables.pw.value).toMatch(/^enc:v1:/);
    expect(enc.variables.list.value).toMatch(/^enc:v1:/);
    expect(enc.variables.list).toMatchObject({ type: 'json', secret: true, autoCreated: true });
    expect(enc.variables.q).toEqual({ type: 'string', value: 'lamp' });
    expect(JSON.stringify(enc)).not.toContain('hunter22');
    expect(task.variables.pw.value).toBe('hunter22');
  });

  it('decrypts back to the original values', () => {
    expect(secrets.decryptTask(secrets.encryptTask(task))).toEqual(task);
  });

  it('decryptTask passes unencrypted values through and throws on undecryptable ones', () => {
    expect(secrets.decryptTask(task)).toEqual(task);
    const broken = { ...task, variables: { pw: { type: 'string', value: 'enc:v1:BAD', secret: true } } };
    expect(() => secrets.decryptTask(broken)).toThrow(SecretDecryptionError);
  });

  it('openForEdit shows undecryptable values as the mask and omits them from storedVariables', () => {
    const stored = secrets.encryptTask(task);
    stored.variables.pw = { type: 'string', value: 'enc:v1:BAD', secret: true };
    const opened = secrets.openForEdit(stored);
    expect(opened.task).not.toBe(stored);
    expect(opened.task.variables).toEqual({
      pw: { type: 'string', value: SECRET_MASK, secret: true },
      list: task.variables.list,
      q: task.variables.q,
    });
    expect(opened.storedVariables).toEqual({ pw: { type: 'string', secret: true }, list: task.variables.list, q: task.variables.q });
  });
});

describe('TaskSecrets with objects from another realm', () => {
  it('still encrypts and decrypts secret values', () => {
    const secrets = new TaskSecrets(fakeBox);
    const foreignProto = Object.create(null) as object;
    const foreign = <T extends object>(o: T): T => Object.assign(Object.create(foreignProto) as T, o);
    const doc = foreign({ id: 't', variables: foreign({ pw: foreign({ type: 'string', value: 'hunter22', secret: true }) }) });
    const enc = secrets.encryptTask(doc);
    expect(JSON.stringify(enc)).not.toContain('hunter22');
    expect(secrets.decryptTask(enc).variables.pw.value).toBe('hunter22');
  });
});
