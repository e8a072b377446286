import { describe, expect, it } from '@jest/globals';
import { adhocTaskDefinition, isVariableDefinition, parseRunOptions } from './run-body.js';

describe('isVariableDefinition', () => {
  it('accepts {type, value} with optional secret/autoCreated only', () => {
    expect(isVariableDefinition({ type: 'number', value: 3 })).toBe(true);
    expect(isVariableDefinition({ type: 'string', value: 'x', secret: true, autoCreated: true })).toBe(true);
  });
  it('treats other objects as plain values', () => {
    expect(isVariableDefinition({ type: 'number' })).toBe(false);
    expect(isVariableDefinition({ type: 'weird', value: 1 })).toBe(false);
    expect(isVariableDefinition({ type: 'json', value: 1, extra: 2 })).toBe(false);
    expect(isVariableDefinition(['type', 'value'])).toBe(false);
  });
});

describe('parseRunOptions', () => {
  it('unwraps definitions and keeps plain values', () => {
    const r = parseRunOptions({ variables: { a: { type: 'number', value: '5' }, b: [1], c: { type: 'x' } }, taskVariables: { d: { type: 'string', value: 's', secret: 'true' } } }, false);
    expect(r).toEqual({
      options: {
        variables: { a: { value: '5', secret: false }, b: { value: [1], secret: false }, c: { value: { type: 'x' }, secret: false } },
        taskVariables: { d: { value: 's', secret: true } },
        webhookUrl: null,
        statelessExecution: null,
        runId: null,
      },
    });
  });

  it('reads webhookUrl, statelessExecution ("true"/"false" too) and runId; ignores other fields', () => {
    const r = parseRunOptions({ webhookUrl: 'https://h.example/x', statelessExecution: 'false', runId: 'my-run_1', url: 'ignored' }, false);
    expect(r).toEqual({ options: expect.objectContaining({ webhookUrl: 'https://h.example/x', statelessExecution: false, runId: 'my-run_1' }) });
  });

  it('reports every bad field with its path', () => {
    const r = parseRunOptions(
      { variables: { now: 1, 'block.x': 2 }, taskVariables: 'x', webhookUrl: 'h'.repeat(2049), statelessExecution: 'yes', runId: 'bad id!' },
      false,
    );
    expect(r).toEqual({
      errors: [
        { field: 'variables.now', message: "name 'now' is reserved" },
        { field: 'variables.block.x', message: "name 'block' is reserved" },
        { field: 'taskVariables', message: 'must be an object' },
        { field: 'webhookUrl', message: 'must be at most 2048 characters' },
        { field: 'statelessExecution', message: 'must be true or false' },
        { field: 'runId', message: 'must be 1-64 characters from A-Z a-z 0-9 _ -' },
      ],
    });
  });

  it('rejects a runId over 64 characters, a numeric statelessExecution and a non-object body', () => {
    expect(parseRunOptions({ runId: 'r'.repeat(65) }, false)).toEqual({ errors: [expect.objectContaining({ field: 'runId' })] });
    expect(parseRunOptions({ statelessExecution: 1 }, false)).toEqual({ errors: [expect.objectContaining({ field: 'statelessExecution' })] });
    expect(parseRunOptions([], false)).toEqual({ errors: [{ field: 'body', message: 'must be a JSON object' }] });
  });

  it('leaves variables to the task validation for ad-hoc runs', () => {
    const r = parseRunOptions({ variables: { now: 1 } }, true);
    expect(r).toEqual({ options: expect.objectContaining({ variables: {} }) });
  });
});

describe('adhocTaskDefinition', () => {
  it('removes the run options only', () => {
    expect(adhocTaskDefinition({ name: 'n', variables: { a: 1 }, webhookUrl: 'w', statelessExecution: true, runId: 'r', taskVariables: {} })).toEqual({ name: 'n', variables: { a: 1 } });
  });
});
