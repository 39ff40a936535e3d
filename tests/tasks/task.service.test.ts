import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { it } from 'node:test';
import { sql } from 'kysely';
import type { TaskStatusFilter } from '../../src/tasks/task.ts';
import { describeStore } from '../support/databases.ts';
import { createUser, notFound, ownerRows, sleep, validationFailure } from '../support/fixtures.ts';

interface TaskRow {
  id: string;
  user_id: string;
  number: number;
  title: string;
  description: string | null;
  completed: boolean;
  due_date: string | null;
  due_at: Date | null;
  priority: string;
  created_at: Date;
  updated_at: Date;
}

describeStore('TaskService', (ctx) => {
  const tasks = () => ctx.store.tasks;

  const storedTasks = (userId: string) =>
    ownerRows(
      ctx.store,
      sql<TaskRow>`select id, user_id, number, title, description, completed, due_date::text as due_date,
                          due_at, priority, created_at, updated_at
                   from tasks where user_id = ${userId} order by number`,
    );

  async function storedTask(userId: string, number: number): Promise<TaskRow> {
    const row = (await storedTasks(userId)).find((stored) => stored.number === number);
    assert.ok(row, `task ${number} is not stored`);
    return row;
  }

  it('addTask returns the stored task, pending, with its description', async () => {
    const user = await createUser(ctx.store);
    const task = await tasks().addTask(user.id, { title: 'buy milk', description: 'oat, 2 l' });
    assert.equal(task.userId, user.id);
    assert.equal(task.number, 1);
    assert.equal(task.title, 'buy milk');
    assert.equal(task.description, 'oat, 2 l');
    assert.equal(task.completed, false);
    assert.equal(task.updatedAt.getTime(), task.createdAt.getTime());
    assert.deepEqual(await storedTasks(user.id), [
      {
        id: task.id,
        user_id: user.id,
        number: 1,
        title: 'buy milk',
        description: 'oat, 2 l',
        completed: false,
        due_date: null,
        due_at: null,
        priority: 'normal',
        created_at: task.createdAt,
        updated_at: task.updatedAt,
      },
    ]);
  });

  it('addTask trims the title and the description', async () => {
    const user = await createUser(ctx.store);
    const task = await tasks().addTask(user.id, {
      title: '  buy milk \n',
      description: '\t oat milk  ',
    });
    assert.equal(task.title, 'buy milk');
    assert.equal(task.description, 'oat milk');
    const row = await storedTask(user.id, task.number);
    assert.deepEqual([row.title, row.description], ['buy milk', 'oat milk']);
  });

  it('addTask stores no description, an empty one or a blank one as null', async () => {
    const user = await createUser(ctx.store);
    const inputs = [{}, { description: '' }, { description: '   ' }, { description: null }];
    for (const input of inputs) {
      const task = await tasks().addTask(user.id, { title: 'no notes', ...input });
      assert.equal(task.description, null);
    }
    assert.deepEqual(
      (await storedTasks(user.id)).map((row) => row.description),
      [null, null, null, null],
    );
  });

  it('addTask accepts a 200-character title and a 2000-character description, counted in characters', async () => {
    const user = await createUser(ctx.store);
    const title = '😀'.repeat(200);
    const description = 'é'.repeat(1999) + '😀';
    const task = await tasks().addTask(user.id, { title, description });
    assert.equal(task.title, title);
    assert.equal(task.description, description);
  });

  it('addTask throws NotFoundError for a user id with no user row, storing nothing', async () => {
    const ghost = randomUUID();
    await assert.rejects(tasks().addTask(ghost, { title: 'orphan' }), notFound('user'));
    assert.deepEqual(await storedTasks(ghost), []);
  });

  it('listTasks returns every task in number order by default', async () => {
    const user = await createUser(ctx.store);
    for (const title of ['milk', 'bills', 'mom', 'car']) await tasks().addTask(user.id, { title });
    // Touch the earliest last, so that neither recency nor id order matches number order.
    await tasks().completeTask(user.id, 3);
    await tasks().updateTask(user.id, 1, { description: 'oat' });
    const listed = await tasks().listTasks(user.id);
    assert.deepEqual(
      listed.map((task) => [task.number, task.title]),
      [
        [1, 'milk'],
        [2, 'bills'],
        [3, 'mom'],
        [4, 'car'],
      ],
    );
    assert.deepEqual(await tasks().listTasks(user.id, { status: 'all' }), listed);
  });

  it('listTasks filters by status, each list in number order', async () => {
    const user = await createUser(ctx.store);
    for (const title of ['one', 'two', 'three', 'four', 'five']) {
      await tasks().addTask(user.id, { title });
    }
    await tasks().completeTask(user.id, 4);
    await tasks().completeTask(user.id, 1);
    await tasks().completeTask(user.id, 3);
    const numbers = async (status: TaskStatusFilter) =>
      (await tasks().listTasks(user.id, { status })).map((task) => task.number);
    assert.deepEqual(await numbers('all'), [1, 2, 3, 4, 5]);
    assert.deepEqual(await numbers('pending'), [2, 5]);
    assert.deepEqual(await numbers('completed'), [1, 3, 4]);
  });

  it('listTasks returns an empty list for a user with no tasks', async () => {
    const user = await createUser(ctx.store);
    assert.deepEqual(await tasks().listTasks(user.id), []);
    assert.deepEqual(await tasks().listTasks(user.id, { status: 'completed' }), []);
  });

  it('listTasks refuses an unknown status with a ValidationError naming status', async () => {
    const user = await createUser(ctx.store);
    await assert.rejects(
      tasks().listTasks(user.id, { status: 'done' as TaskStatusFilter }),
      validationFailure('status', /'all', 'pending' or 'completed'/),
    );
  });

  it('getTask finds a task by its UUID and by its number', async () => {
    const user = await createUser(ctx.store);
    await tasks().addTask(user.id, { title: 'first' });
    const second = await tasks().addTask(user.id, { title: 'second', description: 'notes' });
    assert.deepEqual(await tasks().getTask(user.id, second.id), second);
    assert.deepEqual(await tasks().getTask(user.id, 2), second);
  });

  it('getTask returns null for a number or UUID that names no task', async () => {
    const user = await createUser(ctx.store);
    await tasks().addTask(user.id, { title: 'only' });
    assert.equal(await tasks().getTask(user.id, 2), null);
    assert.equal(await tasks().getTask(user.id, randomUUID()), null);
  });

  it('updateTask changes a task by number and by UUID, returning it as stored', async () => {
    const user = await createUser(ctx.store);
    const task = await tasks().addTask(user.id, { title: 'draft' });
    const renamed = await tasks().updateTask(user.id, 1, { title: '  final  ' });
    assert.equal(renamed.title, 'final');
    const described = await tasks().updateTask(user.id, task.id, { description: 'details' });
    assert.equal(described.title, 'final');
    assert.equal(described.description, 'details');
    const row = await storedTask(user.id, 1);
    assert.deepEqual([row.title, row.description], ['final', 'details']);
    assert.equal(row.updated_at.getTime(), described.updatedAt.getTime());
  });

  it('updateTask changes only the fields it is given', async () => {
    const user = await createUser(ctx.store);
    await tasks().addTask(user.id, { title: 'keep me', description: 'keep this too' });
    const updated = await tasks().updateTask(user.id, 1, { completed: true });
    assert.deepEqual(
      [updated.title, updated.description, updated.completed],
      ['keep me', 'keep this too', true],
    );
  });

  it('updateTask clears the description when given null or an empty string', async () => {
    const user = await createUser(ctx.store);
    await tasks().addTask(user.id, { title: 'a', description: 'notes' });
    await tasks().addTask(user.id, { title: 'b', description: 'notes' });
    assert.equal((await tasks().updateTask(user.id, 1, { description: null })).description, null);
    assert.equal((await tasks().updateTask(user.id, 2, { description: '' })).description, null);
    assert.deepEqual(
      (await storedTasks(user.id)).map((row) => row.description),
      [null, null],
    );
  });

  it('updateTask reopens a completed task with completed: false', async () => {
    const user = await createUser(ctx.store);
    await tasks().addTask(user.id, { title: 'again' });
    await tasks().completeTask(user.id, 1);
    assert.equal((await tasks().updateTask(user.id, 1, { completed: false })).completed, false);
    assert.equal((await storedTask(user.id, 1)).completed, false);
  });

  it('updateTask with no changes is a ValidationError and changes nothing', async () => {
    const user = await createUser(ctx.store);
    await tasks().addTask(user.id, { title: 'untouched' });
    const before = await storedTasks(user.id);
    for (const changes of [{}, { title: undefined, description: undefined }]) {
      await assert.rejects(
        tasks().updateTask(user.id, 1, changes),
        validationFailure(
          'input',
          /at least one of title, description, completed, due or priority/,
        ),
      );
    }
    assert.deepEqual(await storedTasks(user.id), before);
  });

  it('updateTask ignores keys other than title, description and completed', async () => {
    const user = await createUser(ctx.store);
    const other = await createUser(ctx.store);
    const task = await tasks().addTask(user.id, { title: 'mine' });
    const changes = { title: 'still mine', number: 99, userId: other.id, user_id: other.id };
    const updated = await tasks().updateTask(user.id, 1, changes);
    assert.deepEqual([updated.id, updated.number, updated.userId], [task.id, 1, user.id]);
    assert.deepEqual(
      (await storedTasks(user.id)).map((row) => [row.number, row.title]),
      [[1, 'still mine']],
    );
    assert.deepEqual(await storedTasks(other.id), []);
  });

  it('updateTask throws NotFoundError for a task that does not exist', async () => {
    const user = await createUser(ctx.store);
    await assert.rejects(tasks().updateTask(user.id, 1, { title: 'x' }), notFound('task'));
    await assert.rejects(
      tasks().updateTask(user.id, randomUUID(), { title: 'x' }),
      notFound('task'),
    );
  });

  it('completeTask marks a task completed by UUID and by number', async () => {
    const user = await createUser(ctx.store);
    const first = await tasks().addTask(user.id, { title: 'by id' });
    await tasks().addTask(user.id, { title: 'by number' });
    await tasks().addTask(user.id, { title: 'left alone' });
    assert.equal((await tasks().completeTask(user.id, first.id)).completed, true);
    const second = await tasks().completeTask(user.id, 2);
    assert.deepEqual([second.title, second.completed], ['by number', true]);
    assert.deepEqual(
      (await storedTasks(user.id)).map((row) => row.completed),
      [true, true, false],
    );
  });

  it('completeTask leaves an already completed task completed', async () => {
    const user = await createUser(ctx.store);
    await tasks().addTask(user.id, { title: 'done' });
    await tasks().completeTask(user.id, 1);
    assert.equal((await tasks().completeTask(user.id, 1)).completed, true);
  });

  it('completeTask throws NotFoundError for a task that does not exist', async () => {
    const user = await createUser(ctx.store);
    await assert.rejects(tasks().completeTask(user.id, 7), notFound('task'));
  });

  it('deleteTask removes a task by UUID and by number, returning what it removed', async () => {
    const user = await createUser(ctx.store);
    const first = await tasks().addTask(user.id, { title: 'by id' });
    const second = await tasks().addTask(user.id, { title: 'by number' });
    await tasks().addTask(user.id, { title: 'kept' });
    assert.deepEqual(await tasks().deleteTask(user.id, first.id), first);
    assert.deepEqual(await tasks().deleteTask(user.id, 2), second);
    assert.deepEqual(
      (await storedTasks(user.id)).map((row) => row.title),
      ['kept'],
    );
  });

  it('deleteTask returns null when the task is already gone', async () => {
    const user = await createUser(ctx.store);
    const task = await tasks().addTask(user.id, { title: 'once' });
    await tasks().deleteTask(user.id, 1);
    assert.equal(await tasks().deleteTask(user.id, 1), null);
    assert.equal(await tasks().deleteTask(user.id, task.id), null);
  });

  it('updateTask moves updated_at and keeps created_at', async () => {
    const user = await createUser(ctx.store);
    const task = await tasks().addTask(user.id, { title: 'draft' });
    await sleep(20);
    const updated = await tasks().updateTask(user.id, task.id, { title: 'final' });
    assert.ok(updated.updatedAt > task.updatedAt, 'updated_at did not move');
    assert.equal(updated.createdAt.getTime(), task.createdAt.getTime());
    const row = await storedTask(user.id, 1);
    assert.equal(row.updated_at.getTime(), updated.updatedAt.getTime());
    assert.equal(row.created_at.getTime(), task.createdAt.getTime());
  });

  it('completeTask moves updated_at', async () => {
    const user = await createUser(ctx.store);
    const task = await tasks().addTask(user.id, { title: 'to do' });
    await sleep(20);
    const completed = await tasks().completeTask(user.id, 1);
    assert.ok(completed.updatedAt > task.updatedAt, 'updated_at did not move');
    assert.equal(completed.createdAt.getTime(), task.createdAt.getTime());
  });

  it("adding tasks does not change the user's updated_at", async () => {
    const user = await createUser(ctx.store);
    await sleep(20);
    for (const title of ['one', 'two', 'three']) await tasks().addTask(user.id, { title });
    const [row] = await ownerRows(
      ctx.store,
      sql<{ next_task_number: number; updated_at: Date }>`
        select next_task_number, updated_at from users where id = ${user.id}`,
    );
    assert.ok(row);
    // The row was written (the counter moved), yet the account did not change.
    assert.equal(row.next_task_number, 4);
    assert.equal(row.updated_at.getTime(), user.updatedAt.getTime());
    assert.deepEqual(await ctx.store.users.getUser(user.id), user);
  });
});
