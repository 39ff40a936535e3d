import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, it } from 'node:test';
import type { ConversationService } from '../../src/conversations/conversation.service.ts';
import { openStore, type Store } from '../../src/store.ts';
import { describeStore } from '../support/databases.ts';
import { Client, createTestApp, json, signUp, type Reply } from '../support/http.ts';

function errorOf(reply: Reply) {
  return json<{
    error: {
      code: string;
      message: string;
      details?: { issues?: { field: string; message: string }[] };
    };
  }>(reply).error;
}

describeStore('HTTP errors', (ctx) => {
  it('answers malformed JSON with 400 malformed_request', async () => {
    const { app } = createTestApp(ctx.store);
    const { client } = await signUp(app);
    const reply = await client.request('POST', '/api/tasks', {
      raw: '{"title": "unclosed',
      headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(reply.status, 400);
    assert.equal(errorOf(reply).code, 'malformed_request');
  });

  it('answers forged cursors with 422 naming the cursor, never a 500', async () => {
    const { app } = createTestApp(ctx.store);
    const { client } = await signUp(app);
    const { id } = json<{ id: string }>(await client.post('/api/chat/conversations'));
    const forge = (prefix: string, text: string) =>
      encodeURIComponent(prefix + Buffer.from(text).toString('base64url'));
    const cases: [string, string][] = [
      [
        `/api/chat/conversations?cursor=${forge('c1.', `9999-99-99T99:99:99.999999Z|${id}`)}`,
        'cursor',
      ],
      [
        `/api/chat/conversations?cursor=${forge('c1.', `2026-02-30T00:00:00.000000Z|${id}`)}`,
        'cursor',
      ],
      [`/api/chat/conversations/${id}/messages?before=${forge('m1.', '2147483648')}`, 'before'],
      [`/api/chat/conversations/${id}/messages?after=${forge('m1.', '99999999999')}`, 'after'],
    ];
    for (const [path, field] of cases) {
      const reply = await client.get(path);
      assert.equal(reply.status, 422, path);
      assert.equal(errorOf(reply).code, 'validation_failed');
      assert.equal(errorOf(reply).details?.issues?.[0]?.field, field);
    }
  });

  it('answers a JSON body that is not valid UTF-8 with 400 malformed_request, storing nothing', async () => {
    const { app } = createTestApp(ctx.store);
    const { client, token, userId } = await signUp(app);
    const { id } = json<{ id: string }>(await client.post('/api/chat/conversations'));
    const invalid = [
      Buffer.from([0xc3, 0x28]), // a lead byte without its continuation
      Buffer.from([0xff]),
      Buffer.from([0xed, 0xa0, 0x80]), // an encoded surrogate
      Buffer.from([0xc0, 0xaf]), // an overlong encoding
    ];
    for (const bad of invalid) {
      const body = Buffer.concat([
        Buffer.from('{"role":"user","content":"caf'),
        bad,
        Buffer.from('"}'),
      ]);
      for (const path of [`/api/chat/conversations/${id}/messages`, '/api/tasks']) {
        const response = await app.request(path, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body,
        });
        assert.equal(response.status, 400, path);
        const reply = (await response.json()) as { error: { code: string; message: string } };
        assert.equal(reply.error.code, 'malformed_request');
        assert.match(reply.error.message, /UTF-8/);
      }
    }
    const history = await ctx.store.conversations.getConversationHistory(userId, id);
    assert.deepEqual(history.messages, []);
    assert.deepEqual(await ctx.store.tasks.listTasks(userId), []);
    // Valid multi-byte text still goes through unchanged.
    const saved = await client.post(`/api/chat/conversations/${id}/messages`, {
      role: 'user',
      content: 'café ☕ 𝄞',
    });
    assert.equal(saved.status, 201);
    assert.equal(json<{ content: string }>(saved).content, 'café ☕ 𝄞');
  });

  it('answers a body that is not JSON with 415 unsupported_media_type', async () => {
    const { app } = createTestApp(ctx.store);
    const { client } = await signUp(app);
    const reply = await client.request('POST', '/api/tasks', {
      raw: 'title=milk',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(reply.status, 415);
    assert.equal(errorOf(reply).code, 'unsupported_media_type');
  });

  it('answers an oversized body with 413 payload_too_large, storing nothing', async () => {
    const { app } = createTestApp(ctx.store, { bodyLimitBytes: 2048 });
    const { client, userId } = await signUp(app);
    const reply = await client.post('/api/tasks', { title: 'x', description: 'y'.repeat(4000) });
    assert.equal(reply.status, 413);
    assert.equal(errorOf(reply).code, 'payload_too_large');
    assert.deepEqual(await ctx.store.tasks.listTasks(userId), []);
  });

  it('answers a user message over 1000 characters with 422 naming content and the limit', async () => {
    const { app } = createTestApp(ctx.store);
    const { client } = await signUp(app);
    const { id } = json<{ id: string }>(await client.post('/api/chat/conversations'));
    const reply = await client.post(`/api/chat/conversations/${id}/messages`, {
      role: 'user',
      content: 'x'.repeat(1001),
    });
    assert.equal(reply.status, 422);
    const error = errorOf(reply);
    assert.equal(error.code, 'validation_failed');
    assert.deepEqual(error.details?.issues, [
      { field: 'content', message: 'user messages may be at most 1000 characters (got 1001)' },
    ]);
    const bad = await client.post(`/api/chat/conversations/${id}/messages`, {
      role: 'system',
      content: 'hi',
      metadata: [1],
    });
    assert.equal(bad.status, 422);
    assert.deepEqual(
      errorOf(bad)
        .details?.issues?.map((issue) => issue.field)
        .sort(),
      ['metadata', 'role'],
    );
    const key = await client.post(
      `/api/chat/conversations/${id}/messages`,
      { role: 'user', content: 'hi' },
      {
        'Idempotency-Key': 'k'.repeat(201),
      },
    );
    assert.equal(errorOf(key).details?.issues?.[0]?.field, 'idempotency_key');
  });

  it('answers invalid ids, limits and cursors with 422, and unknown routes with 404', async () => {
    const { app } = createTestApp(ctx.store);
    const { client } = await signUp(app);
    for (const path of [
      '/api/chat/conversations/not-a-uuid',
      '/api/chat/conversations/123/messages',
      '/api/chat/conversations?limit=0',
      '/api/chat/conversations?limit=abc',
      '/api/chat/conversations?cursor=bogus',
    ]) {
      const reply = await client.get(path);
      assert.equal(reply.status, 422, path);
      assert.equal(errorOf(reply).code, 'validation_failed', path);
    }
    const missing = await client.get('/api/no/such/route');
    assert.equal(missing.status, 404);
    assert.equal(errorOf(missing).code, 'not_found');
  });

  it('answers a bug of ours with a bare 500 carrying the request id, never the stack', async () => {
    const conversations = Object.create(ctx.store.conversations, {
      getOrCreateConversation: {
        value: () =>
          Promise.reject(new TypeError("Cannot read properties of undefined (reading 'id')")),
      },
    }) as ConversationService;
    const { app } = createTestApp({ ...ctx.store, conversations });
    const { client } = await signUp(app);
    const reply = await client.post('/api/chat/conversations');
    assert.equal(reply.status, 500);
    const error = errorOf(reply);
    const requestId = reply.headers.get('X-Request-Id') ?? '';
    assert.equal(error.code, 'internal_error');
    assert.ok(requestId !== '' && error.message.includes(requestId));
    assert.doesNotMatch(JSON.stringify(reply.body), /TypeError|reading 'id'|at |\.ts/);
  });

  it('puts a request id on every response', async () => {
    const { app } = createTestApp(ctx.store);
    for (const reply of [
      await new Client(app).get('/healthz'),
      await new Client(app).get('/api/me'),
    ]) {
      assert.match(reply.headers.get('X-Request-Id') ?? '', /^[0-9a-f-]{36}$/);
    }
  });

  it('answers CORS preflights for configured origins only', async () => {
    const { app } = createTestApp(ctx.store, { corsOrigins: ['https://chat.example.com'] });
    const preflight = (origin: string) =>
      app.request('/api/tasks', {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      });
    const allowed = await preflight('https://chat.example.com');
    assert.equal(allowed.headers.get('Access-Control-Allow-Origin'), 'https://chat.example.com');
    const other = await preflight('https://evil.example.com');
    assert.equal(other.headers.get('Access-Control-Allow-Origin'), null);
  });
});

describe('HTTP with the database down', () => {
  let unreachable: Store | undefined;
  after(async () => {
    await unreachable?.close();
  });

  it('answers 503 database_unavailable with Retry-After, and /readyz says not ready', async () => {
    // Nothing listens on port 1: every query fails to connect.
    unreachable = await openStore({
      databaseUrl: 'postgres://postgres@127.0.0.1:1/none',
      migrate: false,
      pool: { connectionTimeoutMs: 2000 },
    });
    const { app, tokens } = createTestApp(unreachable);
    const { token } = await tokens.issue(randomUUID());
    const reply = await new Client(app, token).get('/api/tasks');
    assert.equal(reply.status, 503);
    assert.equal(errorOf(reply).code, 'database_unavailable');
    assert.equal(reply.headers.get('Retry-After'), '5');
    assert.doesNotMatch(errorOf(reply).message, /ECONNREFUSED|127\.0\.0\.1/);
    const ready = await new Client(app).get('/readyz');
    assert.equal(ready.status, 503);
    assert.equal((await new Client(app).get('/healthz')).status, 200);
  });
});
