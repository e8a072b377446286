import { QueryFailedError } from 'typeorm';
import { describeConnectionError, isConnectionError, isTimeoutError, probeReason, uniqueViolation } from './pg-errors.js';

const withCode = (message: string, code: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(message), { code, ...extra });

describe('pg-errors', () => {
  it.each([
    ['refused', withCode('connect ECONNREFUSED 10.1.2.3:5432', 'ECONNREFUSED'), 'connection refused'],
    ['reset', withCode('read ECONNRESET', 'ECONNRESET'), 'connection lost'],
    ['unknown host', withCode('getaddrinfo ENOTFOUND db.internal', 'ENOTFOUND'), 'host not found'],
    ['admin shutdown', withCode('terminating connection due to administrator command', '57P01'), 'server shut down'],
    ['starting up', withCode('the database system is starting up', '57P03'), 'server is starting up'],
    ['class 08', withCode('connection failure', '08006'), 'connection error 08006'],
    ['bad password', withCode('password authentication failed for user "admin"', '28P01'), 'authentication failed'],
    ['missing database', withCode('database "figranium" does not exist', '3D000'), 'database does not exist'],
    ['terminated', new Error('Connection terminated unexpectedly'), 'connection lost'],
    ['pool timeout', new Error('timeout exceeded when trying to connect'), 'timed out'],
    ['query timeout', new Error('Query read timeout'), 'timed out'],
  ])('%s is a connection error with a short reason', (_name, err, reason) => {
    expect(isConnectionError(err)).toBe(true);
    expect(describeConnectionError(err)).toBe(reason);
    // Reasons never carry hosts or user names from the driver message.
    expect(describeConnectionError(err)).not.toMatch(/10\.1\.2\.3|db\.internal|admin/);
  });

  it('sees through TypeORM QueryFailedError to the driver error', () => {
    const wrapped = new QueryFailedError('SELECT 1', [], withCode('terminating connection', '57P01'));
    expect(isConnectionError(wrapped)).toBe(true);
    const unique = new QueryFailedError('INSERT', [], withCode('duplicate key', '23505', { constraint: 'executions_run_id_key' }));
    expect(isConnectionError(unique)).toBe(false);
    expect(uniqueViolation(unique)).toEqual({ constraint: 'executions_run_id_key' });
  });

  it('does not treat query bugs as unavailability', () => {
    expect(isConnectionError(withCode('syntax error at or near "SELEC"', '42601'))).toBe(false);
    expect(isConnectionError(withCode('duplicate key value', '23505'))).toBe(false);
    expect(isConnectionError(new TypeError('x is not a function'))).toBe(false);
    expect(uniqueViolation(withCode('syntax error', '42601'))).toBeNull();
  });

  it('gives the health endpoint short reasons without details', () => {
    expect(probeReason(withCode('connect ECONNREFUSED 10.1.2.3:5432', 'ECONNREFUSED'))).toBe('Database unreachable');
    expect(probeReason(new Error('timeout exceeded when trying to connect'))).toBe('Database unreachable');
    expect(probeReason(withCode('password authentication failed for user "admin"', '28P01'))).toBe('Database authentication failed');
    expect(probeReason(withCode('database "x" does not exist', '3D000'))).toBe('Database does not exist');
    expect(isTimeoutError(withCode('connect ETIMEDOUT', 'ETIMEDOUT'))).toBe(true);
    expect(isTimeoutError(withCode('connect ECONNREFUSED', 'ECONNREFUSED'))).toBe(false);
  });
});
