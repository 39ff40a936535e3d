import assert from 'node:assert/strict';
import { it } from 'node:test';
import { sql } from 'kysely';
import { describeStore } from '../support/databases.ts';
import { createTestApp, json, signUp } from '../support/http.ts';

interface ConversationJson {
  id: string;
  user_id: string;
  title: string | null;
  status: string;
  message_count: number;
  created_at: string;
  updated_at: string;
}

interface MessageJson {
  id: string;
  conversation_id: string;
  seq: number;
  role: string;
  content: string;
  metadata: Record<string, unknown> | null;
  created_at: string;
}

interface HistoryJson {
  messages: MessageJson[];
  has_older: boolean;
  has_newer: boolean;
  older_cursor: string | null;
  newer_cursor: string | null;
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describeStore('HTTP conversations', (ctx) => {
  it('POST /api/chat/conversations returns the active conversation, or a new one when asked', async () => {
    const { app } = createTestApp(ctx.store);
    const { client, userId } = await signUp(app);
    const first = await client.post('/api/chat/conversations');
    assert.equal(first.status, 200);
    const conversation = json<ConversationJson>(first);
    assert.equal(conversation.user_id, userId);
    assert.equal(conversation.status, 'active');
    assert.match(conversation.created_at, ISO);

    const same = await client.post('/api/chat/conversations', {});
    assert.equal(json<ConversationJson>(same).id, conversation.id);

    const fresh = await client.post('/api/chat/conversations', { new: true });
    assert.equal(fresh.status, 201);
    assert.notEqual(json<ConversationJson>(fresh).id, conversation.id);
    const titled = await client.post('/api/chat/conversations', { title: 'Groceries' });
    assert.equal(titled.status, 201);
    assert.equal(json<ConversationJson>(titled).title, 'Groceries');

    const count = await sql<{ n: number }>`
      select count(*)::int as n from conversations where user_id = ${userId}`.execute(
      ctx.store.database,
    );
    assert.equal(count.rows[0]?.n, 3);
  });

  it('saves messages, honours Idempotency-Key, and reads history in order with cursors', async () => {
    const { app } = createTestApp(ctx.store);
    const { client } = await signUp(app);
    const { id } = json<ConversationJson>(await client.post('/api/chat/conversations'));
    const path = `/api/chat/conversations/${id}/messages`;

    const saved = await client.post(
      path,
      { role: 'user', content: 'add a task to buy milk' },
      { 'Idempotency-Key': 'm-1' },
    );
    assert.equal(saved.status, 201);
    const retry = await client.post(
      path,
      { role: 'user', content: 'add a task to buy milk' },
      { 'Idempotency-Key': 'm-1' },
    );
    assert.equal(retry.status, 200);
    assert.deepEqual(retry.body, saved.body);
    const reply = await client.post(path, {
      role: 'assistant',
      content: 'Added task 1: buy milk.',
      metadata: { tool_calls: [{ name: 'add_task', arguments: { title: 'buy milk' } }] },
    });
    assert.equal(reply.status, 201);
    assert.deepEqual(json<MessageJson>(reply).metadata, {
      tool_calls: [{ name: 'add_task', arguments: { title: 'buy milk' } }],
    });
    for (let i = 0; i < 5; i++) await client.post(path, { role: 'user', content: `note ${i}` });

    const newest = json<HistoryJson>(await client.get(`${path}?limit=3`));
    assert.deepEqual(
      newest.messages.map((message) => message.seq),
      [5, 6, 7],
    );
    assert.equal(newest.has_older, true);
    assert.equal(newest.has_newer, false);
    const older = json<HistoryJson>(
      await client.get(`${path}?limit=3&before=${encodeURIComponent(newest.older_cursor ?? '')}`),
    );
    assert.deepEqual(
      older.messages.map((message) => message.seq),
      [2, 3, 4],
    );
    const newer = json<HistoryJson>(
      await client.get(`${path}?limit=10&after=${encodeURIComponent(older.newer_cursor ?? '')}`),
    );
    assert.deepEqual(
      newer.messages.map((message) => message.seq),
      [5, 6, 7],
    );
    const stored = await sql<{ n: number }>`
      select count(*)::int as n from messages where conversation_id = ${id}`.execute(
      ctx.store.database,
    );
    assert.equal(stored.rows[0]?.n, 7);
  });

  it('lists conversations by recency with next_cursor, filtered by status', async () => {
    const { app } = createTestApp(ctx.store);
    const { client } = await signUp(app);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        json<ConversationJson>(await client.post('/api/chat/conversations', { new: true })).id,
      );
    }
    await client.patch(`/api/chat/conversations/${ids[0] ?? ''}`, { status: 'archived' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = json<{ conversations: ConversationJson[]; next_cursor: string | null }>(
        await client.get(`/api/chat/conversations?limit=2${query}`),
      );
      seen.push(...page.conversations.map((conversation) => conversation.id));
      cursor = page.next_cursor;
    } while (cursor !== null);
    assert.equal(seen.length, 5);
    assert.equal(seen[0], ids[0], 'archiving touched it, so it is the most recent');
    const archived = json<{ conversations: ConversationJson[] }>(
      await client.get('/api/chat/conversations?status=archived'),
    );
    assert.deepEqual(
      archived.conversations.map((conversation) => conversation.id),
      [ids[0]],
    );
  });

  it('reads, renames, archives, unarchives and deletes one conversation', async () => {
    const { app } = createTestApp(ctx.store);
    const { client } = await signUp(app);
    const { id } = json<ConversationJson>(
      await client.post('/api/chat/conversations', { new: true }),
    );
    const path = `/api/chat/conversations/${id}`;
    assert.equal(json<ConversationJson>(await client.get(path)).id, id);

    const renamed = await client.patch(path, { title: 'Weekend' });
    assert.equal(json<ConversationJson>(renamed).title, 'Weekend');
    const both = await client.patch(path, { title: null, status: 'archived' });
    assert.deepEqual(
      { title: json<ConversationJson>(both).title, status: json<ConversationJson>(both).status },
      { title: null, status: 'archived' },
    );
    const back = await client.patch(path, { status: 'active' });
    assert.equal(json<ConversationJson>(back).status, 'active');

    const deleted = await client.delete(path);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.body, '');
    assert.equal((await client.get(path)).status, 404);
    assert.equal((await client.delete(path)).status, 404);
    const rows = await sql<{ n: number }>`
      select count(*)::int as n from conversations where id = ${id}`.execute(ctx.store.database);
    assert.equal(rows.rows[0]?.n, 0);
  });
});
