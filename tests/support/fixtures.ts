import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { RawBuilder } from 'kysely';
import { NotFoundError, ValidationError } from '../../src/errors.ts';
import type { Store } from '../../src/store.ts';
import type { User } from '../../src/users/user.ts';

export const PASSWORD = 'correct horse battery staple';

/** An email address no other test uses. */
export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomUUID()}@example.com`;
}

/** A user with a unique email; hashing is skipped unless a password is asked for. */
export function createUser(store: Store, options: { password?: string } = {}): Promise<User> {
  return store.users.createUser({ email: uniqueEmail(), password: options.password });
}

export async function createUsers(store: Store, count: number): Promise<User[]> {
  const users: User[] = [];
  for (let i = 0; i < count; i++) users.push(await createUser(store));
  return users;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The rows `query` returns when run on the store's own connection, which
 * tests make as a superuser: past the services and their row-level security.
 */
export async function ownerRows<Row>(store: Store, query: RawBuilder<Row>): Promise<Row[]> {
  return (await query.execute(store.database)).rows;
}

/** For assert.rejects: a ValidationError whose first issue names `field`. */
export function validationFailure(field: string, message?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof ValidationError, `expected a ValidationError, got ${String(error)}`);
    assert.equal(error.code, 'validation_failed');
    assert.equal(error.issues[0]?.field, field);
    if (message !== undefined) assert.match(error.issues[0].message, message);
    return true;
  };
}

/** For assert.rejects: a NotFoundError about `resource`. */
export function notFound(resource: string) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof NotFoundError, `expected a NotFoundError, got ${String(error)}`);
    assert.equal(error.code, 'not_found');
    assert.deepEqual(error.details, { resource });
    return true;
  };
}
