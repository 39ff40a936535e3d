import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { sql } from 'kysely';
import { describeStore } from '../support/databases.ts';
import { PASSWORD, createUser, ownerRows, uniqueEmail } from '../support/fixtures.ts';

const ISSUER = 'https://auth.example.com';

describeStore('UserService.ensureExternalUser', (ctx) => {
  const users = () => ctx.store.users;
  const outside = (email: string | undefined, subject = `user_${randomUUID()}`) => ({
    issuer: ISSUER,
    subject,
    email,
  });

  const storedRows = (id: string) =>
    ownerRows(
      ctx.store,
      sql<{ id: string; email: string; password_hash: string | null }>`
        select id, email, password_hash from users where id = ${id}`,
    );
  const identitiesOf = (id: string) =>
    ownerRows(
      ctx.store,
      sql<{ issuer: string; subject: string }>`
        select issuer, subject from identities where user_id = ${id}`,
    );

  it('creates a user of its own with the given email on first sight, linked to (issuer, subject)', async () => {
    const email = uniqueEmail('outside');
    const identity = outside(email);
    const user = await users().ensureExternalUser(identity);
    assert.equal(user.email, email);
    assert.ok(user.createdAt instanceof Date);
    assert.deepEqual(await storedRows(user.id), [{ id: user.id, email, password_hash: null }]);
    assert.deepEqual(await identitiesOf(user.id), [{ issuer: ISSUER, subject: identity.subject }]);
  });

  it('returns the same user on a second call, keeping the first email', async () => {
    const identity = outside(uniqueEmail('outside'));
    const first = await users().ensureExternalUser(identity);
    const second = await users().ensureExternalUser({ ...identity, email: uniqueEmail('changed') });
    assert.deepEqual(second, first);
  });

  it('never acts as the local account whose id is the subject', async () => {
    const local = await createUser(ctx.store, { password: PASSWORD });
    await ctx.store.tasks.addTask(local.id, { title: 'private' });
    const user = await users().ensureExternalUser(outside(undefined, local.id));
    assert.notEqual(user.id, local.id);
    assert.deepEqual(await ctx.store.tasks.listTasks(user.id), []);
    assert.deepEqual(await users().verifyCredentials(local.email, PASSWORD), local);
  });

  it('tells the same subject from two issuers apart', async () => {
    const subject = `user_${randomUUID()}`;
    const a = await users().ensureExternalUser({ issuer: ISSUER, subject, email: undefined });
    const b = await users().ensureExternalUser({
      issuer: 'https://other.example.com',
      subject,
      email: undefined,
    });
    assert.notEqual(a.id, b.id);
  });

  it('trims the email it is given', async () => {
    const email = uniqueEmail('outside');
    assert.equal((await users().ensureExternalUser(outside(` ${email}\n`))).email, email);
  });

  it('uses <id>@external.invalid when another account holds the email, in any case', async () => {
    const holder = await createUser(ctx.store, { password: PASSWORD });
    for (const email of [holder.email, holder.email.toUpperCase()]) {
      const user = await users().ensureExternalUser(outside(email));
      assert.equal(user.email, `${user.id}@external.invalid`);
    }
    assert.deepEqual(await users().getUser(holder.id), holder);
    assert.deepEqual(await users().verifyCredentials(holder.email, PASSWORD), holder);
  });

  it('uses the placeholder when no email, or a malformed one, is given', async () => {
    for (const email of [undefined, 'not-an-email']) {
      const user = await users().ensureExternalUser(outside(email));
      assert.equal(user.email, `${user.id}@external.invalid`);
    }
  });

  it('creates one user when the same outside identity is first seen by concurrent calls', async () => {
    const identity = outside(uniqueEmail('outside'));
    const seen = await Promise.all(
      Array.from({ length: 10 }, () => users().ensureExternalUser(identity)),
    );
    assert.equal(new Set(seen.map((user) => user.id)).size, 1);
    const rows = await ownerRows(
      ctx.store,
      sql<{ n: number }>`select count(*)::int as n from users where email = ${identity.email}`,
    );
    assert.equal(rows[0]?.n, 1);
  });

  it('refuses an empty subject with a ValidationError', async () => {
    await assert.rejects(users().ensureExternalUser(outside(undefined, '')), {
      code: 'validation_failed',
    });
  });

  it('gives an outside user no password, and a row that tasks can belong to', async () => {
    const user = await users().ensureExternalUser(outside(uniqueEmail()));
    assert.equal(await users().verifyCredentials(user.email, PASSWORD), null);
    const task = await ctx.store.tasks.addTask(user.id, { title: 'first task' });
    assert.equal(task.number, 1);
  });

  it('forgets the identity with its user', async () => {
    const user = await users().ensureExternalUser(outside(undefined));
    assert.equal(await users().deleteUser(user.id), true);
    assert.deepEqual(await identitiesOf(user.id), []);
  });
});
