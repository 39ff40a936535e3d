// The task model over HTTP: due and priority on tasks, the list filters,
// the time zone on /api/me, each bad input a 422 naming its field.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { calendarDate, addDays } from '../../src/tasks/due.ts';
import { describeStore } from '../support/databases.ts';
import { createTestApp, json, signUp, type Reply } from '../support/http.ts';

interface TaskJson {
  number: number;
  due_date: string | null;
  due_at: string | null;
  priority: string;
}

function assertInvalid(reply: Reply, field: string, message?: RegExp) {
  assert.equal(reply.status, 422, JSON.stringify(reply.body));
  const error = json<{
    error: { code: string; details: { issues: { field: string; message: string }[] } };
  }>(reply).error;
  assert.equal(error.code, 'validation_failed');
  assert.equal(error.details.issues[0]?.field, field);
  if (message !== undefined) assert.match(error.details.issues[0].message, message);
}

describeStore('task model over HTTP', (ctx) => {
  it('adds, moves and clears dues and priorities, and shows them', async () => {
    const { app } = createTestApp(ctx.store);
    const { client } = await signUp(app);
    const added = await client.post('/api/tasks', {
      title: 'dentist',
      due: '2030-06-01T09:30:00+02:00',
      priority: 'high',
    });
    assert.equal(added.status, 201);
    assert.deepEqual(
      (({ due_date, due_at, priority }) => ({ due_date, due_at, priority }))(json<TaskJson>(added)),
      { due_date: '2030-06-01', due_at: '2030-06-01T07:30:00.000Z', priority: 'high' },
    );
    const moved = await client.patch('/api/tasks/1', { due: '2030-06-03' });
    assert.equal(json<TaskJson>(moved).due_date, '2030-06-03');
    assert.equal(json<TaskJson>(moved).due_at, null);
    const cleared = await client.patch('/api/tasks/1', { due: null, priority: 'low' });
    assert.deepEqual(
      [
        json<TaskJson>(cleared).due_date,
        json<TaskJson>(cleared).due_at,
        json<TaskJson>(cleared).priority,
      ],
      [null, null, 'low'],
    );
    const plain = await client.post('/api/tasks', { title: 'plain' });
    assert.equal(json<TaskJson>(plain).priority, 'normal');
    assert.equal(json<TaskJson>(plain).due_date, null);
  });

  it('filters by due and priority in the caller time zone, soonest first', async () => {
    const { app } = createTestApp(ctx.store);
    const { client } = await signUp(app);
    const me = await client.patch('/api/me', { time_zone: 'Pacific/Kiritimati' });
    assert.equal(me.status, 200);
    assert.equal(json(me).time_zone, 'Pacific/Kiritimati');
    assert.equal(json(await client.get('/api/me')).time_zone, 'Pacific/Kiritimati');
    // UTC+14: "today" there is often tomorrow in UTC, which a UTC reading would get wrong.
    const today = calendarDate(new Date(), 'Pacific/Kiritimati');
    for (const [title, due, priority] of [
      ['later', addDays(today, 5), 'normal'],
      ['today low', today, 'low'],
      ['today high', today, 'high'],
      ['late', addDays(today, -2), 'normal'],
      ['none', null, 'high'],
    ] as const) {
      assert.equal((await client.post('/api/tasks', { title, due, priority })).status, 201);
    }
    const list = async (query: string) =>
      json<{ tasks: TaskJson[] }>(await client.get(`/api/tasks${query}`)).tasks.map(
        (task) => task.number,
      );
    assert.deepEqual(await list(''), [4, 3, 2, 1, 5]);
    assert.deepEqual(await list('?due=today'), [3, 2]);
    assert.deepEqual(await list('?due=overdue'), [4]);
    assert.deepEqual(await list('?due=upcoming'), [1]);
    assert.deepEqual(await list('?due=none'), [5]);
    assert.deepEqual(await list('?priority=high'), [3, 5]);
    assert.deepEqual(await list('?due=today&priority=low&status=pending'), [2]);
  });

  it('answers each bad input with a 422 naming the field and the rule', async () => {
    const { app } = createTestApp(ctx.store);
    const { client } = await signUp(app);
    assertInvalid(
      await client.post('/api/tasks', { title: 'x', due: '2026-02-30' }),
      'due',
      /not a real date/,
    );
    assertInvalid(
      await client.post('/api/tasks', { title: 'x', due: 'when pigs fly' }),
      'due',
      /could not be read as a date/,
    );
    assertInvalid(
      await client.post('/api/tasks', { title: 'x', priority: 'urgent' }),
      'priority',
      /'low', 'normal' or 'high'/,
    );
    assertInvalid(await client.post('/api/tasks', { title: 'x', due: 5 }), 'due');
    assertInvalid(
      await client.get('/api/tasks?due=soon'),
      'due',
      /'today', 'overdue', 'upcoming' or 'none'/,
    );
    assertInvalid(await client.get('/api/tasks?priority=top'), 'priority');
    assertInvalid(
      await client.patch('/api/me', { time_zone: 'Europe/Atlantis' }),
      'time_zone',
      /IANA/,
    );
    assertInvalid(await client.patch('/api/me', {}), 'time_zone');
    assert.deepEqual(json(await client.get('/api/tasks')).tasks, []);
    assert.equal(json(await client.get('/api/me')).time_zone, 'UTC');
  });
});
