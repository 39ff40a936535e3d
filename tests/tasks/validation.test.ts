import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import { sql } from 'kysely';
import type { NewTask, TaskChanges, TaskRef } from '../../src/tasks/task.ts';
import { describeStore } from '../support/databases.ts';
import { createUser, ownerRows, validationFailure } from '../support/fixtures.ts';

describeStore('TaskService bad input', (ctx) => {
  const tasks = () => ctx.store.tasks;
  let userId = '';

  before(async () => {
    userId = (await createUser(ctx.store)).id;
    await tasks().addTask(userId, { title: 'the one task', description: 'as it was' });
  });

  /** Every task row and the user's counter, to show a refused call changed nothing. */
  async function state(): Promise<unknown> {
    return {
      tasks: await ownerRows(ctx.store, sql`select * from tasks order by user_id, number`),
      counter: await ownerRows(
        ctx.store,
        sql`select next_task_number, updated_at from users where id = ${userId}`,
      ),
    };
  }

  const newTasks: [string, NewTask, string, RegExp][] = [
    ['an empty title', { title: '' }, 'title', /must not be empty/],
    ['a blank title', { title: ' \n\t ' }, 'title', /must not be empty/],
    [
      'a title over 200 characters',
      { title: 't'.repeat(201) },
      'title',
      /at most 200 characters \(got 201\)/,
    ],
    [
      'a title of 201 emoji (counted as characters, not UTF-16 units)',
      { title: '😀'.repeat(201) },
      'title',
      /at most 200 characters \(got 201\)/,
    ],
    ['a NUL character in the title', { title: 'a\u0000b' }, 'title', /NUL/],
    ['a lone surrogate in the title', { title: 'a\ud800b' }, 'title', /well-formed/],
    [
      'a description over 2000 characters',
      { title: 'ok', description: 'd'.repeat(2001) },
      'description',
      /at most 2000 characters \(got 2001\)/,
    ],
    [
      'a NUL character in the description',
      { title: 'ok', description: 'a\u0000b' },
      'description',
      /NUL/,
    ],
  ];

  for (const [name, input, field, message] of newTasks) {
    it(`addTask refuses ${name} with a ValidationError naming ${field}, storing nothing`, async () => {
      const before = await state();
      await assert.rejects(tasks().addTask(userId, input), validationFailure(field, message));
      assert.deepEqual(await state(), before);
    });
  }

  const changes: [string, TaskChanges, string][] = [
    ['a blank title', { title: '   ' }, 'title'],
    ['a title over 200 characters', { title: 't'.repeat(201) }, 'title'],
    ['a NUL character in the title', { title: 'a\u0000b' }, 'title'],
    ['a description over 2000 characters', { description: 'd'.repeat(2001) }, 'description'],
    [
      'a completed flag that is not a boolean',
      { completed: 'yes' as unknown as boolean },
      'completed',
    ],
  ];

  for (const [name, input, field] of changes) {
    it(`updateTask refuses ${name} with a ValidationError naming ${field}, changing nothing`, async () => {
      const before = await state();
      await assert.rejects(tasks().updateTask(userId, 1, input), validationFailure(field));
      assert.deepEqual(await state(), before);
    });
  }

  const badRefs: [string, TaskRef][] = [
    ['zero', 0],
    ['a negative number', -1],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['a string that is not a UUID', 'abc'],
    ['a number written as a string', '1'],
    ['an empty string', ''],
  ];

  for (const [name, ref] of badRefs) {
    it(`refuses ${name} as a task reference in every task method`, async () => {
      const before = await state();
      const refused = validationFailure('task');
      await assert.rejects(tasks().getTask(userId, ref), refused);
      await assert.rejects(tasks().updateTask(userId, ref, { title: 'x' }), refused);
      await assert.rejects(tasks().completeTask(userId, ref), refused);
      await assert.rejects(tasks().deleteTask(userId, ref), refused);
      assert.deepEqual(await state(), before);
    });
  }

  it('refuses a task number beyond the integer range with a ValidationError naming task', async () => {
    const before = await state();
    for (const ref of [2 ** 31, Number.MAX_SAFE_INTEGER]) {
      await assert.rejects(tasks().getTask(userId, ref), validationFailure('task'));
      await assert.rejects(
        tasks().updateTask(userId, ref, { title: 'x' }),
        validationFailure('task'),
      );
      await assert.rejects(tasks().completeTask(userId, ref), validationFailure('task'));
      await assert.rejects(tasks().deleteTask(userId, ref), validationFailure('task'));
    }
    assert.deepEqual(await state(), before);
  });

  it('finds nothing for the largest task number the column holds', async () => {
    assert.equal(await tasks().getTask(userId, 2 ** 31 - 1), null);
  });

  it('refuses a malformed userId in every task method', async () => {
    const before = await state();
    const refused = validationFailure('userId', /must be a UUID/);
    await assert.rejects(tasks().addTask('42', { title: 'x' }), refused);
    await assert.rejects(tasks().listTasks('42'), refused);
    await assert.rejects(tasks().getTask('42', 1), refused);
    await assert.rejects(tasks().updateTask('42', 1, { title: 'x' }), refused);
    await assert.rejects(tasks().completeTask('42', 1), refused);
    await assert.rejects(tasks().deleteTask('42', 1), refused);
    assert.deepEqual(await state(), before);
  });
});
