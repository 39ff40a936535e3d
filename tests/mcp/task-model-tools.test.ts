// The todo tools with due dates and priorities, as a model calls them: words
// are resolved on the server in the user's zone and said back.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { calendarDate, addDays } from '../../src/tasks/due.ts';
import { addTask, listTasks, runTool, updateTask } from '../../src/tools/todo-tools.ts';
import { describeStore } from '../support/databases.ts';
import { createUser } from '../support/fixtures.ts';

describeStore('todo tools with due dates and priorities', (ctx) => {
  it('resolves a due in words in the user time zone and states the date', async () => {
    const user = await createUser(ctx.store);
    await ctx.store.users.setTimeZone(user.id, 'Asia/Tokyo');
    const context = { userId: user.id, tasks: ctx.store.tasks };
    const tomorrow = addDays(calendarDate(new Date(), 'Asia/Tokyo'), 1);

    const added = await runTool(addTask, context, {
      title: 'call mom',
      due: 'tomorrow 5pm',
      priority: 'high',
    });
    assert.ok(added.ok);
    assert.equal(added.output.due, `${tomorrow}T17:00:00.000+09:00`);
    assert.match(String(added.output.due_text), /at 5:00\sPM \(Asia\/Tokyo\)$/);
    assert.equal(added.output.priority, 'high');

    const plain = await runTool(addTask, context, { title: 'someday' });
    assert.ok(plain.ok);
    assert.deepEqual(plain.output, { task_id: 2, status: 'created', title: 'someday' });

    const moved = await runTool(updateTask, context, { task_id: 2, due: 'in 3 days' });
    assert.ok(moved.ok);
    assert.equal(moved.output.due, addDays(tomorrow, 2));

    const today = await runTool(listTasks, context, { due: 'upcoming', priority: 'high' });
    assert.ok(today.ok);
    assert.deepEqual(
      (today.output.tasks as { task_id: number }[]).map((task) => task.task_id),
      [1],
    );
    const cleared = await runTool(updateTask, context, { task_id: 1, due: null });
    assert.ok(cleared.ok);
    assert.equal(cleared.output.due, undefined);
  });

  it('gives the model a hint it can act on for a due it cannot read', async () => {
    const user = await createUser(ctx.store);
    const context = { userId: user.id, tasks: ctx.store.tasks };
    const outcome = await runTool(addTask, context, { title: 'x', due: 'when pigs fly' });
    assert.ok(!outcome.ok);
    assert.match(
      outcome.error.hint,
      /^due: "when pigs fly" could not be read as a date; .*tomorrow 5pm/,
    );
    const priority = await runTool(addTask, context, { title: 'x', priority: 'urgent' });
    assert.equal(priority.ok, false);
    assert.deepEqual(await ctx.store.tasks.listTasks(user.id), []);
  });
});
