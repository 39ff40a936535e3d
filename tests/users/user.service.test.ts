import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { sql } from 'kysely';
import { ConflictError, ValidationError } from '../../src/errors.ts';
import { describeStore } from '../support/databases.ts';
import { PASSWORD, createUser } from '../support/fixtures.ts';

const field = (name: string) => (error: unknown) =>
  error instanceof ValidationError &&
  error.code === 'validation_failed' &&
  error.issues[0]?.field === name;

describeStore('UserService', (ctx) => {
  const users = () => ctx.store.users;

  it('creates a user and keeps only an argon2id hash of the password', async () => {
    const user = await users().createUser({ email: '  Ada@Example.com ', password: PASSWORD });
    assert.equal(user.email, 'Ada@Example.com');
    assert.ok(user.createdAt instanceof Date && user.updatedAt instanceof Date);
    const row = await sql<{ password_hash: string }>`
      select password_hash from users where id = ${user.id}`.execute(ctx.store.database);
    const hash = row.rows[0]?.password_hash ?? '';
    assert.match(hash, /^\$argon2id\$/);
    assert.ok(!hash.includes(PASSWORD));
  });

  it('treats emails case-insensitively: one account per address, found in any case', async () => {
    const email = `Case-${randomUUID()}@Example.com`;
    const user = await users().createUser({ email });
    await assert.rejects(users().createUser({ email: email.toLowerCase() }), ConflictError);
    assert.equal((await users().findUserByEmail(email.toUpperCase()))?.id, user.id);
    assert.equal(await users().findUserByEmail(`nobody-${randomUUID()}@example.com`), null);
  });

  it('verifies credentials without saying which part was wrong', async () => {
    const user = await createUser(ctx.store, { password: PASSWORD });
    assert.equal((await users().verifyCredentials(user.email, PASSWORD))?.id, user.id);
    assert.equal(await users().verifyCredentials(user.email, 'wrong password'), null);
    assert.equal(
      await users().verifyCredentials(`nobody-${randomUUID()}@example.com`, PASSWORD),
      null,
    );
    const passwordless = await createUser(ctx.store);
    assert.equal(await users().verifyCredentials(passwordless.email, PASSWORD), null);
  });

  it('refuses bad input with a ValidationError naming the field', async () => {
    await assert.rejects(
      users().createUser({ email: 'not-an-email', password: PASSWORD }),
      field('email'),
    );
    await assert.rejects(users().createUser({ email: 'a\u0000b@example.com' }), field('email'));
    await assert.rejects(
      users().createUser({ email: 'short@example.com', password: 'abc' }),
      field('password'),
    );
    await assert.rejects(
      users().createUser({ email: 'long@example.com', password: 'x'.repeat(257) }),
      field('password'),
    );
    await assert.rejects(users().getUser('42'), field('userId'));
    await assert.rejects(users().deleteUser('not-a-uuid'), field('userId'));
  });

  it('deletes a user with their tasks, conversations and messages, and nobody else’s', async () => {
    const doomed = await createUser(ctx.store);
    const other = await createUser(ctx.store);
    for (const user of [doomed, other]) {
      await ctx.store.tasks.addTask(user.id, { title: 'a task' });
      const conversation = await ctx.store.conversations.getOrCreateConversation(user.id);
      await ctx.store.conversations.saveMessage(user.id, conversation.id, {
        role: 'user',
        content: 'hi',
      });
    }
    assert.equal(await users().deleteUser(doomed.id), true);
    assert.equal(await users().deleteUser(doomed.id), false);
    const counts = async (userId: string) =>
      (
        await sql<{ tasks: number; conversations: number; messages: number }>`
        select (select count(*)::int from tasks where user_id = ${userId}) as tasks,
               (select count(*)::int from conversations where user_id = ${userId}) as conversations,
               (select count(*)::int from messages where user_id = ${userId}) as messages`.execute(
          ctx.store.database,
        )
      ).rows[0];
    assert.deepEqual(await counts(doomed.id), { tasks: 0, conversations: 0, messages: 0 });
    assert.deepEqual(await counts(other.id), { tasks: 1, conversations: 1, messages: 1 });
  });

  it('creates the row for an outside user once, with a placeholder when the email is taken', async () => {
    const id = randomUUID();
    const first = await users().ensureExternalUser({ id, email: `outside-${id}@example.com` });
    const again = await users().ensureExternalUser({ id, email: `changed-${id}@example.com` });
    assert.deepEqual(again, first);
    const taken = await createUser(ctx.store);
    const second = randomUUID();
    const clash = await users().ensureExternalUser({ id: second, email: taken.email });
    assert.equal(clash.email, `${second}@external.invalid`);
    const third = randomUUID();
    assert.equal(
      (await users().ensureExternalUser({ id: third, email: undefined })).email,
      `${third}@external.invalid`,
    );
  });
});
