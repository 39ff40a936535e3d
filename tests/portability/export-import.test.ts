// Export, import and the Markdown download, through the HTTP API. The account
// is big enough that every table is read in several pages.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { describeStore } from '../support/databases.ts';
import { ownerRows } from '../support/fixtures.ts';
import { createTestApp, json, signUp, type SignedIn } from '../support/http.ts';

interface ExportJson {
  format: string;
  version: number;
  exported_at: string;
  account: { email: string; time_zone: string; next_task_number: number; created_at: string };
  tasks: Record<string, unknown>[];
  conversations: { id: string; messages: Record<string, unknown>[] }[];
}

const TASKS = 1_234; // pages of 500
const CONVERSATIONS = 205; // pages of 100
const LONG_CONVERSATION = 1_100; // pages of 500

async function fillAccount(ctx: { store: Parameters<typeof ownerRows>[0] }, owner: SignedIn) {
  const { client, userId } = owner;
  await client.patch('/api/me', { time_zone: 'Europe/Paris' });
  await client.post('/api/tasks', { title: 'dentist', due: '2030-06-01T09:30', priority: 'high' });
  await client.post('/api/tasks', { title: 'rent', description: 'by transfer', due: '2030-06-03' });
  await client.patch('/api/tasks/2', { completed: true });
  await client.post('/api/tasks', { title: 'deleted later' });
  await client.delete('/api/tasks/3');
  const conversation = json<{ id: string }>(
    await client.post('/api/chat/conversations', { title: 'Groceries' }),
  );
  await client.request('POST', `/api/chat/conversations/${conversation.id}/messages`, {
    body: { role: 'user', content: 'add oat milk, ünïcødé 🥛' },
    headers: { 'Idempotency-Key': 'msg-1' },
  });
  await client.post(`/api/chat/conversations/${conversation.id}/messages`, {
    role: 'assistant',
    content: 'Added task 4: oat milk.',
    metadata: { tool_calls: [{ id: 'c1', name: 'add_task', arguments: { title: 'oat milk' } }] },
  });
  await client.patch(`/api/chat/conversations/${conversation.id}`, { status: 'archived' });
  // Bulk rows, straight into the tables, for the paging.
  await ownerRows(
    ctx.store,
    sql`insert into tasks (user_id, number, title, priority)
        select ${userId}, 100 + i, 'bulk task ' || i, 'low' from generate_series(1, ${TASKS}) as i`,
  );
  await ownerRows(
    ctx.store,
    sql`update users set next_task_number = ${101 + TASKS} where id = ${userId}`,
  );
  await ownerRows(
    ctx.store,
    sql`insert into conversations (user_id, message_count)
        select ${userId}, case when i = 1 then ${LONG_CONVERSATION} else 1 end
        from generate_series(1, ${CONVERSATIONS}) as i`,
  );
  await ownerRows(
    ctx.store,
    sql`insert into messages (user_id, conversation_id, seq, role, content)
        select c.user_id, c.id, s, case when s % 2 = 0 then 'assistant' else 'user' end, 'bulk ' || s
        from conversations c cross join lateral generate_series(1, c.message_count) as s
        where c.user_id = ${userId} and c.title is null`,
  );
}

describeStore('export and import', (ctx) => {
  it('round-trips an account through export and import without losing anything', async () => {
    const { app } = createTestApp(ctx.store);
    const source = await signUp(app);
    await fillAccount(ctx, source);

    const exported = await source.client.get('/api/export');
    assert.equal(exported.status, 200);
    assert.match(exported.headers.get('Content-Type') ?? '', /^application\/json/);
    assert.match(
      exported.headers.get('Content-Disposition') ?? '',
      /^attachment; filename="todochat-export-/,
    );
    const document = json<ExportJson>(exported);
    assert.equal(document.format, 'todochat-export');
    assert.equal(document.tasks.length, 2 + TASKS);
    assert.equal(document.conversations.length, 1 + CONVERSATIONS);
    assert.equal(
      document.conversations.reduce((sum, c) => sum + c.messages.length, 0),
      2 + LONG_CONVERSATION + CONVERSATIONS - 1,
    );
    assert.deepEqual(document.account.time_zone, 'Europe/Paris');

    const target = await signUp(app);
    const imported = await target.client.post('/api/import', document);
    assert.equal(imported.status, 201, JSON.stringify(imported.body));
    assert.deepEqual(json(imported), {
      tasks: 2 + TASKS,
      conversations: 1 + CONVERSATIONS,
      messages: 2 + LONG_CONVERSATION + CONVERSATIONS - 1,
    });

    const again = json<ExportJson>(await target.client.get('/api/export'));
    assert.deepEqual(again.tasks, document.tasks);
    assert.deepEqual(again.conversations, document.conversations);
    assert.deepEqual(
      { ...again.account, email: '', created_at: '' },
      { ...document.account, email: '', created_at: '' },
    );

    // The imported account works as any other: numbers go on, the retry key holds.
    const next = await target.client.post('/api/tasks', { title: 'after import' });
    assert.equal(json(next).number, 101 + TASKS);
    const groceries = again.conversations.find((c) => c.messages[0]?.idempotency_key === 'msg-1');
    assert.ok(groceries !== undefined);
    const retry = await target.client.request(
      'POST',
      `/api/chat/conversations/${groceries.id}/messages`,
      {
        body: { role: 'user', content: 'add oat milk, ünïcødé 🥛' },
        headers: { 'Idempotency-Key': 'msg-1' },
      },
    );
    assert.equal(retry.status, 200);
    assert.equal(json(retry).seq, 1);
    const found = json<{ hits: { conversation_id: string }[] }>(
      await target.client.get('/api/search?q=oat'),
    );
    assert.ok(found.hits.some((hit) => hit.conversation_id === groceries.id));
  });

  it('refuses an import into a non-empty account, or of a malformed document, writing nothing', async () => {
    const { app } = createTestApp(ctx.store);
    const source = await signUp(app);
    await source.client.post('/api/tasks', { title: 'one' });
    const conversation = json<{ id: string }>(await source.client.post('/api/chat/conversations'));
    await source.client.post(`/api/chat/conversations/${conversation.id}/messages`, {
      role: 'user',
      content: 'hi',
    });
    const document = json<ExportJson>(await source.client.get('/api/export'));

    const counts = async (userId: string) =>
      (
        await ownerRows(
          ctx.store,
          sql<{ tasks: number; conversations: number; messages: number }>`
            select (select count(*)::int from tasks where user_id = ${userId}) as tasks,
                   (select count(*)::int from conversations where user_id = ${userId}) as conversations,
                   (select count(*)::int from messages where user_id = ${userId}) as messages`,
        )
      )[0];

    const full = await signUp(app);
    await full.client.post('/api/tasks', { title: 'mine' });
    const refused = await full.client.post('/api/import', document);
    assert.equal(refused.status, 422);
    assert.equal(
      json<{ error: { details: { issues: { field: string }[] } } }>(refused).error.details.issues[0]
        ?.field,
      'account',
    );
    assert.deepEqual(await counts(full.userId), { tasks: 1, conversations: 0, messages: 0 });

    const empty = await signUp(app);
    const conversationCopy = document.conversations[0];
    assert.ok(conversationCopy !== undefined);
    const malformed: [unknown, string][] = [
      [{ ...document, version: 2 }, 'version'],
      [{ ...document, tasks: [{ ...document.tasks[0], priority: 'urgent' }] }, 'tasks.0.priority'],
      [{ ...document, tasks: [{ ...document.tasks[0], title: '' }] }, 'tasks.0.title'],
      [
        { ...document, account: { ...document.account, time_zone: 'Mars/Base' } },
        'account.time_zone',
      ],
      [
        {
          ...document,
          conversations: [
            { ...conversationCopy, messages: [{ ...conversationCopy.messages[0], seq: 2 }] },
          ],
        },
        'conversations.0.messages.0.seq',
      ],
      [{ ...document, tasks: [...document.tasks, document.tasks[0]] }, 'tasks.1.number'],
      [[], 'body'],
    ];
    for (const [body, field] of malformed) {
      const reply = await empty.client.post('/api/import', body);
      assert.equal(reply.status, 422, field);
      assert.equal(
        json<{ error: { details: { issues: { field: string }[] } } }>(reply).error.details.issues[0]
          ?.field,
        field,
      );
    }
    const broken = await empty.client.request('POST', '/api/import', {
      raw: '{"format": "todochat-export", ',
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(broken.status, 400);
    assert.deepEqual(await counts(empty.userId), { tasks: 0, conversations: 0, messages: 0 });
    // A document that passes validation but breaks a rule in the database at
    // its very last row leaves nothing behind either: the stored form of this
    // metadata (with a space after every colon and comma) is over 64 KiB.
    const late = structuredClone(document);
    const lastMessage = late.conversations.at(-1)?.messages.at(-1);
    assert.ok(lastMessage !== undefined);
    lastMessage.metadata = Object.fromEntries(
      Array.from({ length: 4500 }, (_, i) => [`k${String(i).padStart(4, '0')}`, [1, 2]]),
    );
    assert.ok(JSON.stringify(lastMessage.metadata).length < 65_536);
    const rejected = await empty.client.post('/api/import', late);
    assert.equal(rejected.status, 422);
    // Named by the database's rule, not by the document's validation.
    assert.equal(
      json<{ error: { details: { issues: { field: string }[] } } }>(rejected).error.details
        .issues[0]?.field,
      'metadata',
    );
    assert.deepEqual(await counts(empty.userId), { tasks: 0, conversations: 0, messages: 0 });
    assert.equal((await empty.client.post('/api/import', document)).status, 201);
    assert.deepEqual(await counts(empty.userId), { tasks: 1, conversations: 1, messages: 1 });
  });

  it('downloads a conversation as Markdown, and no one else can', async () => {
    const { app } = createTestApp(ctx.store);
    const owner = await signUp(app);
    const conversation = json<{ id: string }>(
      await owner.client.post('/api/chat/conversations', { title: 'Week plan' }),
    );
    await owner.client.post(`/api/chat/conversations/${conversation.id}/messages`, {
      role: 'user',
      content: 'plan my **week**',
    });
    await owner.client.post(`/api/chat/conversations/${conversation.id}/messages`, {
      role: 'assistant',
      content: 'Here is your week.',
      metadata: { tool_calls: [{ id: 'c1', name: 'list_tasks', arguments: {} }] },
    });
    const reply = await owner.client.get(`/api/chat/conversations/${conversation.id}/export.md`);
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('Content-Type') ?? '', /^text\/markdown/);
    assert.equal(reply.headers.get('Content-Disposition'), 'attachment; filename="Week-plan.md"');
    const markdown = String(reply.body);
    assert.match(markdown, /^# Week plan\n/);
    assert.ok(markdown.indexOf('**You**') < markdown.indexOf('plan my **week**'));
    assert.ok(markdown.indexOf('plan my **week**') < markdown.indexOf('**Assistant**'));
    assert.match(markdown, /_Tools: list_tasks_/);

    const stranger = await signUp(app);
    assert.equal(
      (await stranger.client.get(`/api/chat/conversations/${conversation.id}/export.md`)).status,
      404,
    );
    assert.equal(
      (await owner.client.get('/api/chat/conversations/not-a-uuid/export.md')).status,
      422,
    );
  });
});
