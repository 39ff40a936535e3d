import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { sql } from 'kysely';
import type { User } from '../../src/users/user.ts';
import { describeStore } from '../support/databases.ts';
import { createUser, ownerRows } from '../support/fixtures.ts';

describeStore('UserService.deleteUser', (ctx) => {
  const users = () => ctx.store.users;

  /** A user with two tasks and a conversation holding two messages. */
  async function userWithData(): Promise<User> {
    const user = await createUser(ctx.store);
    await ctx.store.tasks.addTask(user.id, { title: 'buy milk' });
    await ctx.store.tasks.addTask(user.id, { title: 'pay bills', description: 'before Friday' });
    const conversation = await ctx.store.conversations.getOrCreateConversation(user.id);
    await ctx.store.conversations.saveMessage(user.id, conversation.id, {
      role: 'user',
      content: 'add a task to buy milk',
    });
    await ctx.store.conversations.saveMessage(user.id, conversation.id, {
      role: 'assistant',
      content: 'Added task 1: buy milk',
    });
    return user;
  }

  /** Everything stored for the user, read as the table owner. */
  async function rowsOf(userId: string) {
    const { store } = ctx;
    return {
      users: await ownerRows(store, sql`select * from users where id = ${userId}`),
      tasks: await ownerRows(
        store,
        sql`select * from tasks where user_id = ${userId} order by number`,
      ),
      conversations: await ownerRows(
        store,
        sql`select * from conversations where user_id = ${userId}`,
      ),
      messages: await ownerRows(
        store,
        sql`select * from messages where user_id = ${userId} order by seq`,
      ),
    };
  }

  it('returns true, then false once the user is gone', async () => {
    const user = await createUser(ctx.store);
    assert.equal(await users().deleteUser(user.id), true);
    assert.equal(await users().deleteUser(user.id), false);
    assert.equal(await users().getUser(user.id), null);
    assert.equal(await users().findUserByEmail(user.email), null);
  });

  it('returns false for an id no account ever held', async () => {
    assert.equal(await users().deleteUser(randomUUID()), false);
  });

  it("removes the user's row, tasks, conversations and messages", async () => {
    const user = await userWithData();
    const before = await rowsOf(user.id);
    assert.deepEqual(
      [
        before.users.length,
        before.tasks.length,
        before.conversations.length,
        before.messages.length,
      ],
      [1, 2, 1, 2],
    );

    assert.equal(await users().deleteUser(user.id), true);

    assert.deepEqual(await rowsOf(user.id), {
      users: [],
      tasks: [],
      conversations: [],
      messages: [],
    });
  });

  it("leaves another user's rows untouched", async () => {
    const doomed = await userWithData();
    const bystander = await userWithData();
    const before = await rowsOf(bystander.id);

    assert.equal(await users().deleteUser(doomed.id), true);

    assert.deepEqual(await rowsOf(bystander.id), before);
    assert.equal((await ctx.store.tasks.listTasks(bystander.id)).length, 2);
  });

  it('frees the email for a new account', async () => {
    const user = await createUser(ctx.store);
    await users().deleteUser(user.id);
    const again = await users().createUser({ email: user.email });
    assert.notEqual(again.id, user.id);
    assert.equal(again.email, user.email);
  });
});
