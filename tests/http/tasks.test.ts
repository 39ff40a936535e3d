import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { describeStore } from '../support/databases.ts';
import { createTestApp, json, signUp } from '../support/http.ts';

interface TaskJson {
  id: string;
  number: number;
  title: string;
  description: string | null;
  completed: boolean;
}

describeStore('HTTP tasks', (ctx) => {
  it('adds, lists, reads, updates, completes and deletes tasks by id and by number', async () => {
    const { app } = createTestApp(ctx.store);
    const { client, userId } = await signUp(app);
    const milk = await client.post('/api/tasks', { title: 'buy milk', description: '2 litres' });
    assert.equal(milk.status, 201);
    assert.deepEqual(
      { number: json<TaskJson>(milk).number, title: json<TaskJson>(milk).title },
      { number: 1, title: 'buy milk' },
    );
    const bills = json<TaskJson>(await client.post('/api/tasks', { title: 'pay bills' }));
    assert.equal(bills.number, 2);

    assert.equal(json<TaskJson>(await client.get('/api/tasks/2')).id, bills.id);
    assert.equal(json<TaskJson>(await client.get(`/api/tasks/${bills.id}`)).number, 2);

    const done = await client.patch('/api/tasks/1', { completed: true });
    assert.equal(json<TaskJson>(done).completed, true);
    const renamed = await client.patch(`/api/tasks/${bills.id}`, { title: 'pay the bills' });
    assert.equal(json<TaskJson>(renamed).title, 'pay the bills');

    const list = (status: string) =>
      client
        .get(`/api/tasks?status=${status}`)
        .then((reply) => json<{ tasks: TaskJson[] }>(reply).tasks.map((task) => task.number));
    assert.deepEqual(await list('all'), [1, 2]);
    assert.deepEqual(await list('pending'), [2]);
    assert.deepEqual(await list('completed'), [1]);
    assert.equal((await client.get('/api/tasks?status=done')).status, 422);

    assert.equal((await client.delete('/api/tasks/1')).status, 204);
    assert.equal((await client.get('/api/tasks/1')).status, 404);
    assert.equal((await client.delete('/api/tasks/1')).status, 404);
    const rows = await sql<{ number: number; completed: boolean }>`
      select number, completed from tasks where user_id = ${userId} order by number`.execute(
      ctx.store.database,
    );
    assert.deepEqual(rows.rows, [{ number: 2, completed: false }]);
  });

  it('refuses bad task input with 422 naming the field', async () => {
    const { app } = createTestApp(ctx.store);
    const { client } = await signUp(app);
    const cases: [unknown, string][] = [
      [{ title: '' }, 'title'],
      [{ title: 't'.repeat(201) }, 'title'],
      [{ title: 'ok', description: 'd'.repeat(2001) }, 'description'],
      [{ title: 42 }, 'title'],
      [{}, 'title'],
    ];
    for (const [body, field] of cases) {
      const reply = await client.post('/api/tasks', body);
      assert.equal(reply.status, 422, JSON.stringify(body));
      const issues = json<{ error: { details: { issues: { field: string }[] } } }>(reply).error
        .details.issues;
      assert.equal(issues[0]?.field, field, JSON.stringify(body));
    }
    assert.equal((await client.patch('/api/tasks/1', {})).status, 422);
    assert.equal((await client.get('/api/tasks/not-a-task')).status, 422);
  });
});
