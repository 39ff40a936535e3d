import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { sql } from 'kysely';
import { ConflictError } from '../../src/errors.ts';
import { describeStore } from '../support/databases.ts';
import { PASSWORD, createUser, ownerRows, uniqueEmail } from '../support/fixtures.ts';

describeStore('UserService accounts', (ctx) => {
  const users = () => ctx.store.users;

  const storedUsers = (email: string) =>
    ownerRows(
      ctx.store,
      sql<{ id: string; email: string; password_hash: string | null }>`
        select id, email, password_hash from users where lower(email) = lower(${email})`,
    );

  it('createUser returns the id, email, time zone, whether it has a password, and timestamps', async () => {
    const email = uniqueEmail();
    const user = await users().createUser({ email, password: PASSWORD });
    assert.deepEqual(Object.keys(user).sort(), [
      'createdAt',
      'email',
      'hasPassword',
      'id',
      'timeZone',
      'updatedAt',
    ]);
    assert.equal(user.timeZone, 'UTC');
    assert.equal(user.hasPassword, true);
    assert.match(user.id, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.equal(user.email, email);
    assert.ok(user.createdAt instanceof Date && user.updatedAt instanceof Date);
    assert.equal(user.updatedAt.getTime(), user.createdAt.getTime());
    assert.deepEqual(await users().getUser(user.id), user);
  });

  it('stores the password only as an argon2id hash, salted per user', async () => {
    const first = await createUser(ctx.store, { password: PASSWORD });
    const second = await createUser(ctx.store, { password: PASSWORD });
    const [firstRow] = await storedUsers(first.email);
    const [secondRow] = await storedUsers(second.email);
    assert.match(firstRow?.password_hash ?? '', /^\$argon2id\$/);
    assert.ok(!(firstRow?.password_hash ?? '').includes(PASSWORD));
    assert.notEqual(secondRow?.password_hash, firstRow?.password_hash);
  });

  it('stores no password hash for a user created without a password', async () => {
    const user = await createUser(ctx.store);
    assert.deepEqual(await storedUsers(user.email), [
      { id: user.id, email: user.email, password_hash: null },
    ]);
  });

  it('trims the email and keeps its case', async () => {
    const email = `Ada-${randomUUID()}@Example.com`;
    const user = await users().createUser({ email: `  ${email}\n` });
    assert.equal(user.email, email);
    assert.equal((await storedUsers(email))[0]?.email, email);
  });

  it('refuses a second account for the same email in another case with a conflict', async () => {
    const local = randomUUID();
    const first = await users().createUser({ email: `A-${local}@x.com` });
    await assert.rejects(users().createUser({ email: `a-${local}@X.com` }), (error: unknown) => {
      assert.ok(error instanceof ConflictError, `expected a ConflictError, got ${String(error)}`);
      assert.equal(error.code, 'conflict');
      assert.deepEqual(error.details, { field: 'email' });
      return true;
    });
    assert.deepEqual(
      (await storedUsers(first.email)).map((row) => row.id),
      [first.id],
    );
  });

  it('refuses a second account whose email differs only by surrounding spaces', async () => {
    const user = await createUser(ctx.store);
    await assert.rejects(users().createUser({ email: ` ${user.email} ` }), ConflictError);
    assert.equal((await storedUsers(user.email)).length, 1);
  });

  it('findUserByEmail matches the email in any case', async () => {
    const user = await users().createUser({ email: `Mixed-${randomUUID()}@Example.com` });
    assert.deepEqual(await users().findUserByEmail(user.email.toLowerCase()), user);
    assert.deepEqual(await users().findUserByEmail(user.email.toUpperCase()), user);
  });

  it('findUserByEmail trims the address it is given', async () => {
    const user = await createUser(ctx.store);
    assert.deepEqual(await users().findUserByEmail(`\t${user.email} `), user);
  });

  it('findUserByEmail returns null for an email no account holds', async () => {
    await createUser(ctx.store);
    assert.equal(await users().findUserByEmail(uniqueEmail('nobody')), null);
  });

  it('getUser returns null for an id no account holds', async () => {
    assert.equal(await users().getUser(randomUUID()), null);
  });

  it('verifyCredentials returns the user for the right password', async () => {
    const user = await createUser(ctx.store, { password: PASSWORD });
    assert.deepEqual(await users().verifyCredentials(user.email, PASSWORD), user);
  });

  it('verifyCredentials matches the email in any case and trims it', async () => {
    const user = await createUser(ctx.store, { password: PASSWORD });
    assert.deepEqual(
      await users().verifyCredentials(` ${user.email.toUpperCase()} `, PASSWORD),
      user,
    );
  });

  it('verifyCredentials returns null for a wrong password', async () => {
    const user = await createUser(ctx.store, { password: PASSWORD });
    assert.equal(await users().verifyCredentials(user.email, 'wrong password'), null);
    assert.equal(await users().verifyCredentials(user.email, PASSWORD.toUpperCase()), null);
    assert.equal(await users().verifyCredentials(user.email, ''), null);
  });

  it('verifyCredentials returns null for an unknown email', async () => {
    assert.equal(await users().verifyCredentials(uniqueEmail('nobody'), PASSWORD), null);
  });

  it('verifyCredentials returns null for a user created without a password', async () => {
    const user = await createUser(ctx.store);
    assert.equal(await users().verifyCredentials(user.email, PASSWORD), null);
    assert.equal(await users().verifyCredentials(user.email, ''), null);
  });

  it('verifyCredentials returns null, not the user, given the password behind its timing decoy', async () => {
    // A missing hash is checked against a decoy hash of this fixed password.
    const decoyPassword = 'not-a-real-password-0';
    const user = await createUser(ctx.store);
    assert.equal(await users().verifyCredentials(user.email, decoyPassword), null);
    assert.equal(await users().verifyCredentials(uniqueEmail('nobody'), decoyPassword), null);
  });

  it('verifyCredentials returns null rather than throwing for a malformed email', async () => {
    assert.equal(await users().verifyCredentials('not-an-email', PASSWORD), null);
    assert.equal(await users().verifyCredentials('a\u0000b@example.com', PASSWORD), null);
  });
});
