import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AppError,
  ConflictError,
  DatabaseUnavailableError,
  NotFoundError,
  ValidationError,
} from '../errors.ts';
import { translateDatabaseError } from './database-errors.ts';
import { ConnectionLostError } from './drivers.ts';

/** A driver error as pg and PGlite raise them: a SQLSTATE, maybe a constraint name. */
function driverError(code: string, constraint?: string, message = 'raw SQL text'): Error {
  return Object.assign(new Error(message), { code, constraint });
}

describe('translateDatabaseError', () => {
  const cases: [string, Error, (translated: unknown) => boolean][] = [
    [
      'a CHECK on a known constraint names the field and the rule',
      driverError('23514', 'messages_user_content_length'),
      (e) =>
        e instanceof ValidationError &&
        e.issues[0]?.field === 'content' &&
        e.issues[0].message === 'user messages may be at most 1000 characters',
    ],
    [
      'an unknown CHECK still becomes a validation error',
      driverError('23514', 'some_new_check'),
      (e) => e instanceof ValidationError && e.issues[0]?.field === 'some_new_check',
    ],
    [
      'a taken email is a conflict on email',
      driverError('23505', 'users_email_key'),
      (e) => e instanceof ConflictError && e.duplicate === 'email',
    ],
    [
      'a taken idempotency key is a conflict on that key',
      driverError('23505', 'messages_idempotency_key'),
      (e) => e instanceof ConflictError && e.duplicate === 'idempotency_key',
    ],
    [
      'another unique key is a plain conflict',
      driverError('23505', 'other_key'),
      (e) => e instanceof ConflictError && e.duplicate === undefined,
    ],
    [
      'a missing conversation behind a foreign key is not found',
      driverError('23503', 'messages_conversation_fkey'),
      (e) => e instanceof NotFoundError && e.message === 'conversation not found',
    ],
    [
      'a row the policies refuse is not found',
      driverError('42501'),
      (e) => e instanceof NotFoundError,
    ],
    [
      'a value out of range is a validation error',
      driverError('22003'),
      (e) => e instanceof ValidationError,
    ],
    [
      'a statement timeout is the database being unavailable',
      driverError('57014'),
      (e) => e instanceof DatabaseUnavailableError,
    ],
    [
      'a terminated connection is the database being unavailable',
      driverError('57P01'),
      (e) => e instanceof DatabaseUnavailableError,
    ],
    [
      'a refused connection is the database being unreachable',
      driverError('ECONNREFUSED'),
      (e) => e instanceof DatabaseUnavailableError,
    ],
    [
      'a pool that lost its server is unavailable',
      new Error('Connection terminated unexpectedly'),
      (e) => e instanceof DatabaseUnavailableError,
    ],
    [
      'a client whose socket closed before a batch was written is unavailable',
      new ConnectionLostError(),
      (e) => e instanceof DatabaseUnavailableError,
    ],
  ];
  for (const [name, raw, expected] of cases) {
    it(name, () => {
      const translated = translateDatabaseError(raw);
      assert.ok(expected(translated), String(translated));
      // The driver's text stays in the cause, for logs, never in the message.
      if (translated instanceof AppError) {
        assert.doesNotMatch(translated.message, /raw SQL text/);
        assert.equal(translated.cause, raw);
      }
    });
  }

  // Whatever the constraint, the SQLSTATE's class decides what a caller is told.
  const bySqlstate: [sqlstate: string, code: string][] = [
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
  for (const [sqlstate, code] of bySqlstate) {
    it(`turns SQLSTATE ${sqlstate} into ${code}`, () => {
      const translated = translateDatabaseError(driverError(sqlstate));
      assert.equal((translated as { code?: unknown }).code, code);
    });
  }

  it('passes domain errors and unknown errors through unchanged', () => {
    const domain = new NotFoundError('task');
    assert.equal(translateDatabaseError(domain), domain);
    const bug = new TypeError('x is undefined');
    assert.equal(translateDatabaseError(bug), bug);
    assert.equal(translateDatabaseError('a string'), 'a string');
    const unknown = driverError('42P01', undefined, 'relation does not exist');
    assert.equal(translateDatabaseError(unknown), unknown);
  });
});
