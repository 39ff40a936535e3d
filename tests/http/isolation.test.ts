import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { describeStore } from '../support/databases.ts';
import { createTestApp, json, signUp, type Reply } from '../support/http.ts';

describeStore('HTTP isolation between users', (ctx) => {
  it("answers 404 to every route that takes an id when it is another user's, changing nothing", async () => {
    const { app } = createTestApp(ctx.store);
    const alice = await signUp(app);
    const bob = await signUp(app);
    const conversation = json<{ id: string }>(await alice.client.post('/api/chat/conversations'));
    await alice.client.post(`/api/chat/conversations/${conversation.id}/messages`, {
      role: 'user',
      content: 'secret',
    });
    const task = json<{ id: string; number: number }>(
      await alice.client.post('/api/tasks', { title: 'secret task' }),
    );
    // Bob has a task 1 of his own: "task 1" must mean his, never Alice's.
    const bobsTask = json<{ id: string }>(
      await bob.client.post('/api/tasks', { title: 'bob task' }),
    );

    const snapshot = async () => {
      const rows = await sql`
        select (select json_agg(c order by c.id) from conversations c where c.user_id = ${alice.userId}) as conversations,
               (select json_agg(m order by m.seq) from messages m where m.user_id = ${alice.userId}) as messages,
               (select json_agg(t order by t.number) from tasks t where t.user_id = ${alice.userId}) as tasks`.execute(
        ctx.store.database,
      );
      return JSON.stringify(rows.rows[0]);
    };
    const before = await snapshot();

    const c = `/api/chat/conversations/${conversation.id}`;
    const attempts: [string, Promise<Reply>][] = [
      ['GET conversation', bob.client.get(c)],
      ['PATCH conversation', bob.client.patch(c, { title: 'mine' })],
      ['archive conversation', bob.client.patch(c, { status: 'archived' })],
      ['GET messages', bob.client.get(`${c}/messages`)],
      ['POST message', bob.client.post(`${c}/messages`, { role: 'user', content: 'hi' })],
      ['DELETE conversation', bob.client.delete(c)],
      ['GET task', bob.client.get(`/api/tasks/${task.id}`)],
      ['PATCH task', bob.client.patch(`/api/tasks/${task.id}`, { completed: true })],
      ['DELETE task', bob.client.delete(`/api/tasks/${task.id}`)],
    ];
    for (const [name, attempt] of attempts) {
      const reply = await attempt;
      assert.equal(reply.status, 404, name);
      assert.equal(json<{ error: { code: string } }>(reply).error.code, 'not_found', name);
    }
    // By number, Bob reaches his own task 1, not Alice's.
    const byNumber = json<{ id: string }>(await bob.client.get(`/api/tasks/${task.number}`));
    assert.equal(byNumber.id, bobsTask.id);
    const lists = json<{ conversations: unknown[] }>(
      await bob.client.get('/api/chat/conversations'),
    );
    assert.deepEqual(lists.conversations, []);

    assert.equal(await snapshot(), before);
  });
});
