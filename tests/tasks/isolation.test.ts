import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import { AppError } from '../../src/errors.ts';
import type { Task } from '../../src/tasks/task.ts';
import type { User } from '../../src/users/user.ts';
import { describeStore } from '../support/databases.ts';
import { createUser, notFound, ownerRows } from '../support/fixtures.ts';

describeStore('task isolation between users', (ctx) => {
  const tasks = () => ctx.store.tasks;
  let alice: User;
  let bob: User;
  let alicesTasks: Task[];

  // Alice holds tasks 1 to 3; Bob, signed in beside her, holds none.
  before(async () => {
    alice = await createUser(ctx.store);
    bob = await createUser(ctx.store);
    alicesTasks = [
      await tasks().addTask(alice.id, { title: 'secret plan', description: 'do not share' }),
      await tasks().addTask(alice.id, { title: 'dentist' }),
      await tasks().addTask(alice.id, { title: 'taxes' }),
    ];
    await tasks().completeTask(alice.id, 2);
  });

  /** Alice's tasks and counter, read as the table owner. */
  async function alicesRows(): Promise<unknown> {
    return {
      tasks: await ownerRows(
        ctx.store,
        sql`select * from tasks where user_id = ${alice.id} order by number`,
      ),
      user: await ownerRows(
        ctx.store,
        sql`select next_task_number, updated_at from users where id = ${alice.id}`,
      ),
    };
  }

  /** Each of Alice's tasks, named once by UUID and once by number. */
  const refs = () => alicesTasks.flatMap((task) => [task.id, task.number]);

  it('getTask returns null when the task belongs to another user', async () => {
    for (const ref of refs()) {
      assert.equal(await tasks().getTask(bob.id, ref), null, `ref ${ref}`);
    }
  });

  it("updateTask throws not_found for another user's task and leaves it unchanged", async () => {
    const before = await alicesRows();
    for (const ref of refs()) {
      await assert.rejects(
        tasks().updateTask(bob.id, ref, { title: 'mine now', description: null, completed: false }),
        notFound('task'),
      );
    }
    assert.deepEqual(await alicesRows(), before);
  });

  it("completeTask throws not_found for another user's task and leaves it unchanged", async () => {
    const before = await alicesRows();
    for (const ref of refs()) {
      await assert.rejects(tasks().completeTask(bob.id, ref), notFound('task'));
    }
    assert.deepEqual(await alicesRows(), before);
  });

  it("deleteTask returns null for another user's task and leaves it in place", async () => {
    const before = await alicesRows();
    for (const ref of refs()) {
      assert.equal(await tasks().deleteTask(bob.id, ref), null, `ref ${ref}`);
    }
    assert.deepEqual(await alicesRows(), before);
  });

  it("listTasks shows none of another user's tasks, whatever the status", async () => {
    for (const status of ['all', 'pending', 'completed'] as const) {
      assert.deepEqual(await tasks().listTasks(bob.id, { status }), []);
    }
  });

  it('reports another user’s task exactly as it reports a missing one', async () => {
    const [first] = alicesTasks;
    assert.ok(first);
    const outcome = (promise: Promise<unknown>) =>
      promise.then(
        () => 'resolved',
        (error: unknown) =>
          error instanceof AppError
            ? [error.name, error.code, error.message, error.details]
            : error,
      );
    assert.deepEqual(
      await outcome(tasks().completeTask(bob.id, first.id)),
      await outcome(tasks().completeTask(bob.id, randomUUID())),
    );
    assert.deepEqual(
      await outcome(tasks().updateTask(bob.id, first.number, { title: 'x' })),
      await outcome(tasks().updateTask(bob.id, 99, { title: 'x' })),
    );
  });

  it("a user's task 1 and another user's task 1 are separate tasks", async () => {
    const carol = await createUser(ctx.store);
    const carols = await tasks().addTask(carol.id, { title: 'carol’s first' });
    assert.equal(carols.number, 1);
    const before = await alicesRows();

    assert.deepEqual(await tasks().getTask(carol.id, 1), carols);
    assert.equal((await tasks().updateTask(carol.id, 1, { title: 'renamed' })).id, carols.id);
    assert.equal((await tasks().completeTask(carol.id, 1)).id, carols.id);
    assert.equal((await tasks().deleteTask(carol.id, 1))?.id, carols.id);

    assert.deepEqual(await alicesRows(), before);
    assert.deepEqual(await tasks().getTask(alice.id, 1), alicesTasks[0]);
  });

  it("adding a task for one user leaves another user's rows and numbering alone", async () => {
    const before = await alicesRows();
    const bobs = await tasks().addTask(bob.id, { title: 'bob’s own' });
    assert.equal(bobs.number, 1);
    assert.deepEqual(await alicesRows(), before);
    // Back to the state the other tests start from: Bob holds no tasks.
    await tasks().deleteTask(bob.id, bobs.id);
  });
});
