import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { translateDatabaseError } from './scope.ts';

const translated = (error: object) => translateDatabaseError(error) as { code?: unknown };

describe('translateDatabaseError', () => {
  const cases: [sqlstate: string, code: string][] = [
    ['22008', 'validation_failed'], // datetime field overflow
    ['22007', 'validation_failed'], // invalid datetime format
    ['22003', 'validation_failed'], // numeric value out of range
    ['22P02', 'validation_failed'], // invalid text representation
    ['22021', 'validation_failed'], // character not in repertoire
    ['23514', 'validation_failed'],
    ['23505', 'conflict'],
    ['23503', 'not_found'],
    ['42501', 'not_found'],
    ['57P01', 'database_unavailable'], // admin shutdown: a terminated backend
    ['57P03', 'database_unavailable'], // cannot connect now: starting up
    ['08006', 'database_unavailable'],
    ['53300', 'database_unavailable'],
    ['57014', 'database_unavailable'],
    ['ECONNREFUSED', 'database_unavailable'],
  ];
  for (const [sqlstate, code] of cases) {
    it(`turns SQLSTATE ${sqlstate} into ${code}`, () => {
      assert.equal(translated({ code: sqlstate, message: 'raw database text' }).code, code);
    });
  }

  it('turns a lost connection into database_unavailable', () => {
    const lost = new Error('Connection terminated unexpectedly');
    assert.equal(translated(lost).code, 'database_unavailable');
  });

  it('leaves an error it does not know alone', () => {
    const unknown = { code: '42P01', message: 'relation does not exist' };
    assert.equal(translateDatabaseError(unknown), unknown);
  });
});
