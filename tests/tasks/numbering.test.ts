import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { describeStore } from '../support/databases.ts';
import { createUser, ownerRows } from '../support/fixtures.ts';

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describeStore('task numbers', (ctx) => {
  const tasks = () => ctx.store.tasks;

  const storedNumbers = async (userId: string) =>
    (
      await ownerRows(
        ctx.store,
        sql<{ number: number }>`select number from tasks where user_id = ${userId} order by number`,
      )
    ).map((row) => row.number);

  const nextTaskNumber = async (userId: string) =>
    (
      await ownerRows(
        ctx.store,
        sql<{ next_task_number: number }>`select next_task_number from users where id = ${userId}`,
      )
    )[0]?.next_task_number;

  it('numbers a user’s tasks 1, 2, 3 in the order they were added', async () => {
    const user = await createUser(ctx.store);
    const added = [];
    for (const title of ['one', 'two', 'three'])
      added.push(await tasks().addTask(user.id, { title }));
    assert.deepEqual(
      added.map((task) => [task.number, task.title]),
      [
        [1, 'one'],
        [2, 'two'],
        [3, 'three'],
      ],
    );
    assert.deepEqual(await storedNumbers(user.id), [1, 2, 3]);
  });

  it('numbers each user’s tasks independently', async () => {
    const alice = await createUser(ctx.store);
    const bob = await createUser(ctx.store);
    const numbers = [];
    for (const user of [alice, bob, alice, bob, alice]) {
      numbers.push((await tasks().addTask(user.id, { title: 'a task' })).number);
    }
    assert.deepEqual(numbers, [1, 1, 2, 2, 3]);
    assert.deepEqual(await storedNumbers(alice.id), [1, 2, 3]);
    assert.deepEqual(await storedNumbers(bob.id), [1, 2]);
  });

  it('never reuses the number of a deleted task', async () => {
    const user = await createUser(ctx.store);
    for (const title of ['one', 'two', 'three']) await tasks().addTask(user.id, { title });
    await tasks().deleteTask(user.id, 3);
    assert.equal((await tasks().addTask(user.id, { title: 'four' })).number, 4);
    assert.deepEqual(await storedNumbers(user.id), [1, 2, 4]);
    assert.equal(await nextTaskNumber(user.id), 5);
  });

  it('keeps counting after every task has been deleted', async () => {
    const user = await createUser(ctx.store);
    await tasks().addTask(user.id, { title: 'one' });
    await tasks().addTask(user.id, { title: 'two' });
    await tasks().deleteTask(user.id, 1);
    await tasks().deleteTask(user.id, 2);
    assert.equal((await tasks().addTask(user.id, { title: 'three' })).number, 3);
  });

  it('gives 20 concurrent adds for one user 20 distinct consecutive numbers', async () => {
    const user = await createUser(ctx.store);
    const added = await Promise.all(
      Array.from({ length: 20 }, (_, i) => tasks().addTask(user.id, { title: `task ${i}` })),
    );
    assert.deepEqual(
      added.map((task) => task.number).sort((a, b) => a - b),
      oneTo(20),
    );
    assert.deepEqual(await storedNumbers(user.id), oneTo(20));
    assert.equal(await nextTaskNumber(user.id), 21);
  });

  it('keeps concurrent adds by two users in their own sequences', async () => {
    const alice = await createUser(ctx.store);
    const bob = await createUser(ctx.store);
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        tasks().addTask((i % 2 === 0 ? alice : bob).id, { title: `task ${i}` }),
      ),
    );
    assert.deepEqual(await storedNumbers(alice.id), oneTo(10));
    assert.deepEqual(await storedNumbers(bob.id), oneTo(10));
  });
});
