import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { sql } from 'kysely';
import { describeStore } from '../support/databases.ts';
import { PASSWORD, createUser, ownerRows, uniqueEmail } from '../support/fixtures.ts';

describeStore('UserService.ensureExternalUser', (ctx) => {
  const users = () => ctx.store.users;

  const storedRows = (id: string) =>
    ownerRows(
      ctx.store,
      sql<{ id: string; email: string; password_hash: string | null }>`
        select id, email, password_hash from users where id = ${id}`,
    );

  it('creates the row with the given id and email on first sight', async () => {
    const id = randomUUID();
    const email = uniqueEmail('outside');
    const user = await users().ensureExternalUser({ id, email });
    assert.equal(user.id, id);
    assert.equal(user.email, email);
    assert.ok(user.createdAt instanceof Date);
    assert.deepEqual(await storedRows(id), [{ id, email, password_hash: null }]);
  });

  it('returns the same user on a second call, keeping the first email', async () => {
    const id = randomUUID();
    const email = uniqueEmail('outside');
    const first = await users().ensureExternalUser({ id, email });
    const second = await users().ensureExternalUser({ id, email: uniqueEmail('changed') });
    assert.deepEqual(second, first);
    assert.deepEqual(await storedRows(id), [{ id, email, password_hash: null }]);
  });

  it('trims the email it is given', async () => {
    const id = randomUUID();
    const email = uniqueEmail('outside');
    assert.equal((await users().ensureExternalUser({ id, email: ` ${email}\n` })).email, email);
  });

  it('uses <id>@external.invalid when another account holds the email', async () => {
    const holder = await createUser(ctx.store, { password: PASSWORD });
    const id = randomUUID();
    const user = await users().ensureExternalUser({ id, email: holder.email });
    assert.equal(user.id, id);
    assert.equal(user.email, `${id}@external.invalid`);
    assert.deepEqual(await users().getUser(holder.id), holder);
    assert.deepEqual(await users().verifyCredentials(holder.email, PASSWORD), holder);
  });

  it('uses the placeholder when another account holds the email in another case', async () => {
    const holder = await createUser(ctx.store);
    const id = randomUUID();
    const user = await users().ensureExternalUser({ id, email: holder.email.toUpperCase() });
    assert.equal(user.email, `${id}@external.invalid`);
  });

  it('uses the placeholder when no email is given', async () => {
    const id = randomUUID();
    const user = await users().ensureExternalUser({ id, email: undefined });
    assert.equal(user.email, `${id}@external.invalid`);
    assert.deepEqual(await storedRows(id), [
      { id, email: `${id}@external.invalid`, password_hash: null },
    ]);
  });

  it('uses the placeholder when the email given is malformed', async () => {
    const id = randomUUID();
    const user = await users().ensureExternalUser({ id, email: 'not-an-email' });
    assert.equal(user.email, `${id}@external.invalid`);
  });

  it('creates one row when the same outside user is first seen by concurrent calls', async () => {
    const id = randomUUID();
    const email = uniqueEmail('outside');
    const seen = await Promise.all(
      Array.from({ length: 10 }, () => users().ensureExternalUser({ id, email })),
    );
    assert.deepEqual(
      new Set(seen.map((user) => `${user.id} ${user.email}`)),
      new Set([`${id} ${email}`]),
    );
    assert.equal((await storedRows(id)).length, 1);
  });

  it('gives an outside user no password to sign in with', async () => {
    const user = await users().ensureExternalUser({ id: randomUUID(), email: uniqueEmail() });
    assert.equal(await users().verifyCredentials(user.email, PASSWORD), null);
  });

  it('gives an outside user a row that tasks can belong to', async () => {
    const user = await users().ensureExternalUser({ id: randomUUID(), email: undefined });
    const task = await ctx.store.tasks.addTask(user.id, { title: 'first task' });
    assert.equal(task.userId, user.id);
    assert.equal(task.number, 1);
  });
});
