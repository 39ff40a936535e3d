import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { sql } from 'kysely';
import { NotFoundError, ValidationError } from '../../src/errors.ts';
import { describeStore } from '../support/databases.ts';
import { createUser, sleep } from '../support/fixtures.ts';

const field = (name: string) => (error: unknown) =>
  error instanceof ValidationError && error.issues[0]?.field === name;

describeStore('TaskService', (ctx) => {
  const tasks = () => ctx.store.tasks;

  it('numbers each user’s tasks 1, 2, 3 and never reuses a number', async () => {
    const alice = await createUser(ctx.store);
    const bob = await createUser(ctx.store);
    for (const title of ['one', 'two', 'three']) await tasks().addTask(alice.id, { title });
    assert.equal((await tasks().addTask(bob.id, { title: 'first of bob' })).number, 1);
    await tasks().deleteTask(alice.id, 3);
    assert.equal((await tasks().addTask(alice.id, { title: 'four' })).number, 4);
    assert.deepEqual(
      (await tasks().listTasks(alice.id)).map((task) => task.number),
      [1, 2, 4],
    );
  });

  it('hands 20 concurrent adds 20 consecutive numbers', async () => {
    const user = await createUser(ctx.store);
    const added = await Promise.all(
      Array.from({ length: 20 }, (_, i) => tasks().addTask(user.id, { title: `task ${i}` })),
    );
    assert.deepEqual(
      added.map((task) => task.number).sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('trims titles, stores an empty description as null, and refuses bad input', async () => {
    const user = await createUser(ctx.store);
    const task = await tasks().addTask(user.id, { title: '  buy milk  ', description: '' });
    assert.deepEqual([task.title, task.description, task.completed], ['buy milk', null, false]);
    await assert.rejects(tasks().addTask(user.id, { title: '   ' }), field('title'));
    await assert.rejects(tasks().addTask(user.id, { title: 't'.repeat(201) }), field('title'));
    await assert.rejects(
      tasks().addTask(user.id, { title: 'ok', description: 'd'.repeat(2001) }),
      field('description'),
    );
    await assert.rejects(tasks().addTask(user.id, { title: 'a\u0000b' }), field('title'));
    await assert.rejects(tasks().listTasks(user.id, { status: 'done' as 'all' }), field('status'));
    await assert.rejects(tasks().updateTask(user.id, 1, {}), ValidationError);
    await assert.rejects(tasks().getTask(user.id, 0), field('task'));
  });

  it('lists by status in number order, and works by number and by id', async () => {
    const user = await createUser(ctx.store);
    const milk = await tasks().addTask(user.id, { title: 'milk' });
    await tasks().addTask(user.id, { title: 'bills' });
    await tasks().addTask(user.id, { title: 'mom' });
    await tasks().completeTask(user.id, milk.id);
    await tasks().completeTask(user.id, 3);
    const numbers = async (status: 'all' | 'pending' | 'completed') =>
      (await tasks().listTasks(user.id, { status })).map((task) => task.number);
    assert.deepEqual(await numbers('all'), [1, 2, 3]);
    assert.deepEqual(await numbers('pending'), [2]);
    assert.deepEqual(await numbers('completed'), [1, 3]);
    assert.equal((await tasks().getTask(user.id, 2))?.title, 'bills');
    assert.equal((await tasks().getTask(user.id, milk.id))?.number, 1);
    assert.equal((await tasks().deleteTask(user.id, 2))?.title, 'bills');
    assert.equal(await tasks().deleteTask(user.id, 2), null);
  });

  it('moves updated_at on change and keeps created_at; adding tasks leaves the account untouched', async () => {
    const user = await createUser(ctx.store);
    const task = await tasks().addTask(user.id, { title: 'draft' });
    await sleep(20);
    const changed = await tasks().updateTask(user.id, task.number, {
      title: 'final',
      description: 'notes',
    });
    assert.ok(changed.updatedAt > task.updatedAt);
    assert.equal(changed.createdAt.getTime(), task.createdAt.getTime());
    assert.equal(
      (await ctx.store.users.getUser(user.id))?.updatedAt.getTime(),
      user.updatedAt.getTime(),
    );
  });

  it("finds nothing and changes nothing when another user names a task's id or number", async () => {
    const alice = await createUser(ctx.store);
    const bob = await createUser(ctx.store);
    const secret = await tasks().addTask(alice.id, { title: 'secret' });
    const snapshot = async () =>
      JSON.stringify(
        (await sql`select * from tasks where user_id = ${alice.id}`.execute(ctx.store.database))
          .rows,
      );
    const before = await snapshot();
    for (const ref of [secret.id, secret.number]) {
      assert.equal(await tasks().getTask(bob.id, ref), null);
      await assert.rejects(tasks().updateTask(bob.id, ref, { title: 'mine' }), NotFoundError);
      await assert.rejects(tasks().completeTask(bob.id, ref), NotFoundError);
      assert.equal(await tasks().deleteTask(bob.id, ref), null);
    }
    assert.deepEqual(await tasks().listTasks(bob.id), []);
    assert.equal(await snapshot(), before);
  });

  it('refuses a task for a user that does not exist', async () => {
    await assert.rejects(tasks().addTask(randomUUID(), { title: 'orphan' }), NotFoundError);
  });
});
