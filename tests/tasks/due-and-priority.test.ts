// Due dates, priorities and the lists they make, on a fixed clock: Tuesday
// 1 December 2026, 18:00 UTC (19:00 in Paris, 03:00 Wednesday in Tokyo).
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { TaskService } from '../../src/tasks/task.service.ts';
import type { TaskListOptions } from '../../src/tasks/task.ts';
import { describeStore } from '../support/databases.ts';
import { createUser, ownerRows, validationFailure } from '../support/fixtures.ts';

const NOW = new Date('2026-12-01T18:00:00Z');

describeStore('due dates and priorities', (ctx) => {
  const tasks = () => new TaskService(ctx.store.database, { now: () => NOW });

  async function numbers(userId: string, options: TaskListOptions): Promise<number[]> {
    return (await tasks().listTasks(userId, options)).map((task) => task.number);
  }

  it('stores an ISO date as a date-only due and a date-time as its instant', async () => {
    const user = await createUser(ctx.store);
    await ctx.store.users.setTimeZone(user.id, 'Europe/Paris');
    const day = await tasks().addTask(user.id, { title: 'pay rent', due: '2026-12-04' });
    assert.deepEqual(day.due, { date: '2026-12-04', at: null });
    assert.equal(day.priority, 'normal');
    const local = await tasks().addTask(user.id, { title: 'dentist', due: '2026-12-04T17:00' });
    assert.deepEqual(local.due, { date: '2026-12-04', at: new Date('2026-12-04T16:00:00Z') });
    // 23:30 in New York is already the next day in Paris.
    const offset = await tasks().addTask(user.id, {
      title: 'call',
      due: '2026-12-04T23:30:00-05:00',
    });
    assert.equal(offset.due?.date, '2026-12-05');
    const [row] = await ownerRows(
      ctx.store,
      sql<{ due_date: string; due_at: Date | null }>`
        select due_date::text as due_date, due_at from tasks where id = ${day.id}`,
    );
    assert.deepEqual(row, { due_date: '2026-12-04', due_at: null });
  });

  it('reads dues in words in the user time zone', async () => {
    const user = await createUser(ctx.store);
    await ctx.store.users.setTimeZone(user.id, 'Asia/Tokyo');
    const tomorrow = await tasks().addTask(user.id, { title: 'a', due: 'tomorrow 5pm' });
    // It is already Wednesday in Tokyo: tomorrow is Thursday the 3rd, 17:00 JST.
    assert.deepEqual(tomorrow.due, { date: '2026-12-03', at: new Date('2026-12-03T08:00:00Z') });
    const inDays = await tasks().addTask(user.id, { title: 'b', due: 'in 3 days' });
    assert.deepEqual(inDays.due, { date: '2026-12-05', at: null });
  });

  it('changes and clears a due and a priority', async () => {
    const user = await createUser(ctx.store);
    const task = await tasks().addTask(user.id, { title: 'x', due: 'friday', priority: 'high' });
    assert.deepEqual(task.due, { date: '2026-12-04', at: null });
    assert.equal(task.priority, 'high');
    const moved = await tasks().updateTask(user.id, task.number, { due: '2026-12-10T09:00Z' });
    assert.deepEqual(moved.due, { date: '2026-12-10', at: new Date('2026-12-10T09:00:00Z') });
    assert.equal(moved.priority, 'high');
    const cleared = await tasks().updateTask(user.id, task.number, { due: null, priority: 'low' });
    assert.equal(cleared.due, null);
    assert.equal(cleared.priority, 'low');
    const untouched = await tasks().updateTask(user.id, task.number, { title: 'y' });
    assert.equal(untouched.due, null);
  });

  it('sorts by due day, then time, then priority (high first), then number; no date last', async () => {
    const user = await createUser(ctx.store);
    const add = (title: string, due: string | null, priority: 'low' | 'normal' | 'high') =>
      tasks().addTask(user.id, { title, due, priority });
    await add('1', null, 'high');
    await add('2', '2026-12-03', 'low');
    await add('3', '2026-12-03', 'high');
    await add('4', '2026-12-03T08:00Z', 'low');
    await add('5', '2026-12-02', 'normal');
    await add('6', null, 'normal');
    await add('7', '2026-12-03', 'high');
    assert.deepEqual(await numbers(user.id, {}), [5, 4, 3, 7, 2, 1, 6]);
    assert.deepEqual(await numbers(user.id, { priority: 'high' }), [3, 7, 1]);
    assert.deepEqual(await numbers(user.id, { priority: 'low', due: 'upcoming' }), [4, 2]);
  });

  it('lists today, overdue, upcoming and no-date tasks by the user days', async () => {
    const user = await createUser(ctx.store);
    await ctx.store.users.setTimeZone(user.id, 'America/New_York'); // 13:00 on the 1st there
    const add = (title: string, due: string | null) => tasks().addTask(user.id, { title, due });
    await add('yesterday', '2026-11-30'); // 1
    await add('today, date only', '2026-12-01'); // 2
    await add('today, this morning', '2026-12-01T09:00'); // 3: overdue and today
    await add('today, tonight', '2026-12-01T21:00'); // 4
    await add('tomorrow', '2026-12-02'); // 5
    await add('no date', null); // 6
    const done = await add('done yesterday', '2026-11-30'); // 7
    await tasks().completeTask(user.id, done.number);

    assert.deepEqual(await numbers(user.id, { due: 'today' }), [3, 4, 2]);
    assert.deepEqual(await numbers(user.id, { due: 'overdue' }), [1, 3]);
    assert.deepEqual(await numbers(user.id, { due: 'upcoming' }), [5]);
    assert.deepEqual(await numbers(user.id, { due: 'none' }), [6]);
    assert.deepEqual(await numbers(user.id, { due: 'today', status: 'pending' }), [3, 4, 2]);
    assert.deepEqual(await numbers(user.id, { status: 'completed' }), [7]);
  });

  it('moves the days of timed dues with the time zone, and leaves date-only dues alone', async () => {
    const user = await createUser(ctx.store);
    const timed = await tasks().addTask(user.id, { title: 't', due: '2026-12-04T23:30Z' });
    const dated = await tasks().addTask(user.id, { title: 'd', due: '2026-12-04' });
    assert.equal(timed.due?.date, '2026-12-04');
    const changed = await ctx.store.users.setTimeZone(user.id, 'asia/tokyo');
    assert.equal(changed.timeZone, 'Asia/Tokyo');
    assert.deepEqual((await tasks().getTask(user.id, timed.number))?.due, {
      date: '2026-12-05',
      at: new Date('2026-12-04T23:30:00Z'),
    });
    assert.deepEqual((await tasks().getTask(user.id, dated.number))?.due, {
      date: '2026-12-04',
      at: null,
    });
    assert.equal((await ctx.store.users.getUser(user.id))?.timeZone, 'Asia/Tokyo');
  });

  it('refuses impossible dates, unreadable words, unknown priorities and time zones', async () => {
    const user = await createUser(ctx.store);
    for (const due of ['2026-02-30', '2026-12-04T25:00', 'someday maybe', '', 'x'.repeat(101)]) {
      await assert.rejects(tasks().addTask(user.id, { title: 'x', due }), validationFailure('due'));
    }
    await assert.rejects(
      tasks().addTask(user.id, { title: 'x', priority: 'urgent' as never }),
      validationFailure('priority', /'low', 'normal' or 'high'/),
    );
    await assert.rejects(
      tasks().listTasks(user.id, { due: 'soon' as never }),
      validationFailure('due', /'today', 'overdue', 'upcoming' or 'none'/),
    );
    for (const zone of ['Mars/Olympus', '+02:00', '']) {
      await assert.rejects(
        ctx.store.users.setTimeZone(user.id, zone),
        validationFailure('time_zone', /IANA time zone/),
      );
    }
    assert.deepEqual(await tasks().listTasks(user.id), []);
    assert.equal((await ctx.store.users.getUser(user.id))?.timeZone, 'UTC');
  });

  it('refuses a priority outside the set in the database too', async () => {
    const user = await createUser(ctx.store);
    await assert.rejects(
      ownerRows(
        ctx.store,
        sql`insert into tasks (user_id, number, title, priority) values (${user.id}, 1, 'x', 'urgent')`,
      ),
      /tasks_priority_check/,
    );
  });
});
