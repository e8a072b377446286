import { applySecretMasks, maskSecretVariables, maskTaskSecrets, secretVariableNames } from './secret-variables.js';
import { SECRET_MASK } from './task.types.js';

const variables = {
  pw: { type: 'string', value: 'hunter22', secret: true },
  token: { type: 'json', value: { a: 1 }, secret: true, autoCreated: true },
  q: { type: 'string', value: 'lamp' },
  notReally: { type: 'string', value: 'x', secret: 'true' },
};

describe('secret variable helpers', () => {
  it('lists the secret variable names', () => {
    expect(secretVariableNames(variables)).toEqual(['pw', 'token']);
    expect(secretVariableNames(undefined)).toEqual([]);
  });

  it('masks secret values without touching the input', () => {
    const masked = maskSecretVariables(variables);
    expect(masked).toEqual({
      pw: { type: 'string', value: SECRET_MASK, secret: true },
      token: { type: 'json', value: SECRET_MASK, secret: true, autoCreated: true },
      q: { type: 'string', value: 'lamp' },
      notReally: { type: 'string', value: 'x', secret: 'true' },
    });
    expect(variables.pw.value).toBe('hunter22');
  });

  it('masks a whole task and leaves other fields alone', () => {
    const t = { id: 'task_1', name: 'T', variables };
    const masked = maskTaskSecrets(t);
    expect(masked.variables.pw.value).toBe(SECRET_MASK);
    expect(masked.name).toBe('T');
    expect(t.variables.pw.value).toBe('hunter22');
    const noVars = { id: 'x' };
    expect(maskTaskSecrets(noVars)).toBe(noVars);
  });

  it('masking a __proto__ variable keeps it an own key', () => {
    const input = JSON.parse('{"__proto__":{"type":"string","value":"s","secret":true}}') as Record<string, unknown>;
    const masked = maskSecretVariables(input);
    expect(Object.getOwnPropertyDescriptor(masked, '__proto__')?.value).toEqual({ type: 'string', value: SECRET_MASK, secret: true });
    expect(Object.getPrototypeOf(masked)).toBe(Object.prototype);
  });
});

describe('applySecretMasks', () => {
  const stored = { pw: { type: 'string', value: 'hunter22', secret: true } };

  it('merges the stored value for a masked secret', () => {
    expect(applySecretMasks({ pw: { type: 'string', value: SECRET_MASK, secret: true }, q: 'x' }, stored)).toEqual({
      variables: { pw: { type: 'string', value: 'hunter22', secret: true }, q: { type: 'string', value: 'x' } },
    });
  });

  it('a new secret value replaces the stored one', () => {
    expect(applySecretMasks({ pw: { value: 'new-one', secret: true } }, stored)).toEqual({
      variables: { pw: { type: 'string', value: 'new-one', secret: true } },
    });
  });

  it('a mask with no stored value → error on the variable', () => {
    expect(applySecretMasks({ pw: { value: SECRET_MASK, secret: true } }, undefined)).toEqual({
      errors: [{ field: 'variables.pw.value', message: expect.stringContaining('no stored value') }],
    });
    expect(applySecretMasks({ pw: { value: SECRET_MASK, secret: true } }, { pw: { type: 'string', secret: true } })).toEqual({
      errors: [{ field: 'variables.pw.value', message: expect.any(String) }],
    });
  });
});
