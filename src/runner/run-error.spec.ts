import { isRunError, RUN_ERROR_CODES, RunError } from './run-error.js';

describe('RunError', () => {
  it('carries a code, message and cause', () => {
    const cause = new Error('low level');
    const error = new RunError('SCRIPT_ERROR', 'bad code', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(isRunError(error)).toBe(true);
    expect(isRunError(cause)).toBe(false);
    expect(error.name).toBe('RunError');
    expect(error.code).toBe('SCRIPT_ERROR');
    expect(error.message).toBe('bad code');
    expect(error.cause).toBe(cause);
  });

  it('lists the run error codes of API §1.8', () => {
    expect(RUN_ERROR_CODES).toHaveLength(27);
    expect(new Set(RUN_ERROR_CODES).size).toBe(27);
    expect(RUN_ERROR_CODES).toEqual(expect.arrayContaining(['ACTION_FAILED', 'CONDITION_FAILED', 'ANTI_BOT_DETECTED']));
  });
});
