import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { USER_ROLE } from '../../src/db/scope.ts';
import { describeStore } from '../support/databases.ts';
import { createUser, validationFailure } from '../support/fixtures.ts';
import { createTestApp, json, signUp } from '../support/http.ts';

interface HitJson {
  kind: string;
  snippet: string;
  conversation_id: string | null;
  seq: number | null;
  task_number: number | null;
}

describeStore('search', (ctx) => {
  it('finds messages and tasks by stemmed words, best match first, with where to open them', async () => {
    const user = await createUser(ctx.store);
    const conversation = await ctx.store.conversations.createConversation(user.id, {
      title: 'Family',
    });
    const save = (content: string) =>
      ctx.store.conversations.saveMessage(user.id, conversation.id, { role: 'user', content });
    await save('what is the weather like');
    await save('remind me to call mom about the birthday party');
    await save('mom said calling on sunday works; call mom, call mom');
    await ctx.store.tasks.addTask(user.id, { title: 'Call the plumber' });

    const hits = await ctx.store.search.search(user.id, 'calling mom');
    assert.deepEqual(
      hits.map((hit) => [hit.kind, hit.seq]),
      [
        ['message', 3],
        ['message', 2],
      ],
    );
    const [best, next] = hits;
    assert.ok(best !== undefined && next !== undefined);
    assert.equal(best.conversationId, conversation.id);
    assert.equal(best.conversationTitle, 'Family');
    assert.match(next.snippet, /\*\*call\*\* \*\*mom\*\*/);

    const [task] = await ctx.store.search.search(user.id, 'plumbers');
    assert.equal(task?.kind, 'task');
    assert.equal(task.taskNumber, 1);
    assert.equal(task.conversationId, null);
    assert.deepEqual(await ctx.store.search.search(user.id, 'the'), []);
    assert.deepEqual(
      (await ctx.store.search.search(user.id, 'mom -birthday')).map((hit) => hit.seq),
      [3],
    );
  });

  it("never returns another user's messages or tasks", async () => {
    const [ada, bob] = [await createUser(ctx.store), await createUser(ctx.store)];
    const theirs = await ctx.store.conversations.createConversation(bob.id);
    await ctx.store.conversations.saveMessage(bob.id, theirs.id, {
      role: 'user',
      content: 'secret zanzibar plans',
    });
    await ctx.store.tasks.addTask(bob.id, { title: 'zanzibar trip' });
    assert.deepEqual(await ctx.store.search.search(ada.id, 'zanzibar'), []);
    assert.equal((await ctx.store.search.search(bob.id, 'zanzibar')).length, 2);
    // Row-level security alone hides them, even from a query that forgets user_id.
    const rows = await ctx.store.database.transaction().execute(async (trx) => {
      await sql`select set_config('role', ${USER_ROLE}, true), set_config('app.user_id', ${ada.id}, true)`.execute(
        trx,
      );
      return (
        await sql`select id from messages where search_vector @@ websearch_to_tsquery('english', 'zanzibar')
                        union all select id from tasks where search_vector @@ websearch_to_tsquery('english', 'zanzibar')`.execute(
          trx,
        )
      ).rows;
    });
    assert.deepEqual(rows, []);
  });

  it('refuses an empty query or one over 200 characters', async () => {
    const user = await createUser(ctx.store);
    for (const q of ['', '   ', 'x'.repeat(201)]) {
      await assert.rejects(ctx.store.search.search(user.id, q), validationFailure('q'));
    }
    assert.deepEqual(await ctx.store.search.search(user.id, 'x'.repeat(200)), []);
  });

  it('serves GET /api/search with hits carrying the conversation id and message number', async () => {
    const { app } = createTestApp(ctx.store);
    const { client } = await signUp(app);
    const conversation = json<{ id: string }>(await client.post('/api/chat/conversations'));
    await client.post(`/api/chat/conversations/${conversation.id}/messages`, {
      role: 'user',
      content: 'buy oat milk',
    });
    const reply = await client.get('/api/search?q=milk');
    assert.equal(reply.status, 200);
    const [hit] = json<{ hits: HitJson[] }>(reply).hits;
    assert.deepEqual(
      {
        kind: hit?.kind,
        conversation_id: hit?.conversation_id,
        seq: hit?.seq,
        task_number: hit?.task_number,
      },
      { kind: 'message', conversation_id: conversation.id, seq: 1, task_number: null },
    );
    for (const query of ['', `?q=${'a'.repeat(201)}`, '?q=']) {
      const bad = await client.get(`/api/search${query}`);
      assert.equal(bad.status, 422, query);
      assert.equal(
        json<{ error: { details: { issues: { field: string }[] } } }>(bad).error.details.issues[0]
          ?.field,
        'q',
      );
    }
    assert.equal((await client.get('/api/search?q=milk&limit=0')).status, 422);
  });
});
