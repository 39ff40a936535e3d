// API keys end to end: created through the API and shown once, stored only
// as a hash, listed with their last use, accepted on the API and /mcp,
// refused the moment they are revoked, and never another user's business.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { API_KEY_NAME_MAX } from '../../src/api-keys/api-key.ts';
import { describeStore } from '../support/databases.ts';
import { createUser, ownerRows } from '../support/fixtures.ts';
import { Client, createTestApp, json, signUp } from '../support/http.ts';

interface ApiKeyJson {
  id: string;
  name: string;
  hint: string;
  created_at: string;
  last_used_at: string | null;
  key?: string;
}

describeStore('API keys', (ctx) => {
  it('creates a key shown once, stores only its hash, and lists it without the key', async () => {
    const { app } = createTestApp(ctx.store);
    const alice = await signUp(app);
    const created = await alice.client.post('/api/me/api-keys', { name: '  Claude Desktop ' });
    assert.equal(created.status, 201);
    const key = json<ApiKeyJson>(created);
    assert.equal(key.name, 'Claude Desktop');
    assert.match(key.key ?? '', /^tck_[A-Za-z0-9_-]{65}$/);
    assert.equal(key.hint, `tck_…${(key.key ?? '').slice(-4)}`);
    assert.equal(key.last_used_at, null);

    const rows = await ownerRows<{ key_hash: string }>(
      ctx.store,
      sql`select key_hash from api_keys where id = ${key.id}`,
    );
    assert.equal(rows.length, 1);
    assert.match(rows[0]?.key_hash ?? '', /^[0-9a-f]{64}$/);
    assert.ok(!(rows[0]?.key_hash ?? '').includes(key.key ?? '-'));

    const listed = json<{ keys: ApiKeyJson[] }>(await alice.client.get('/api/me/api-keys'));
    assert.deepEqual(listed.keys, [
      {
        id: key.id,
        name: 'Claude Desktop',
        hint: key.hint,
        created_at: key.created_at,
        last_used_at: null,
      },
    ]);
  });

  it('signs API requests in as its user and records when it was last used', async () => {
    const { app } = createTestApp(ctx.store);
    const alice = await signUp(app);
    const key = json<ApiKeyJson>(await alice.client.post('/api/me/api-keys', { name: 'script' }));
    const withKey = new Client(app, key.key);
    const me = await withKey.get('/api/me');
    assert.equal(me.status, 200);
    assert.equal(json<{ id: string }>(me).id, alice.userId);
    assert.equal((await withKey.post('/api/tasks', { title: 'via key' })).status, 201);

    const listed = json<{ keys: ApiKeyJson[] }>(await alice.client.get('/api/me/api-keys'));
    const lastUsed = listed.keys[0]?.last_used_at;
    assert.ok(lastUsed !== null && lastUsed !== undefined);
    assert.ok(Math.abs(Date.parse(lastUsed) - Date.now()) < 60_000);
  });

  it('is refused at once after it is revoked, with a message that says what to do', async () => {
    const { app } = createTestApp(ctx.store);
    const alice = await signUp(app);
    const key = json<ApiKeyJson>(await alice.client.post('/api/me/api-keys', { name: 'laptop' }));
    const withKey = new Client(app, key.key);
    assert.equal((await withKey.get('/api/tasks')).status, 200);

    assert.equal((await alice.client.delete(`/api/me/api-keys/${key.id}`)).status, 204);
    const refused = await withKey.get('/api/tasks');
    assert.equal(refused.status, 401);
    assert.match(
      json<{ error: { message: string } }>(refused).error.message,
      /API key is not valid.*revoked/,
    );
    assert.deepEqual(
      json<{ keys: unknown[] }>(await alice.client.get('/api/me/api-keys')).keys,
      [],
    );
    assert.equal((await alice.client.delete(`/api/me/api-keys/${key.id}`)).status, 404);
  });

  it('cannot create more keys itself, so a leaked key cannot outlive its revocation', async () => {
    const { app } = createTestApp(ctx.store);
    const alice = await signUp(app);
    const key = json<ApiKeyJson>(await alice.client.post('/api/me/api-keys', { name: 'mcp' }));
    const withKey = new Client(app, key.key);
    const refused = await withKey.post('/api/me/api-keys', { name: 'another' });
    assert.equal(refused.status, 403);
    const body = json<{ error: { code: string; message: string } }>(refused);
    assert.equal(body.error.code, 'forbidden');
    assert.match(body.error.message, /sign in/);
    // It still works for the API, and the sign-in token still manages keys.
    assert.equal((await withKey.get('/api/me/api-keys')).status, 200);
    const names = json<{ keys: ApiKeyJson[] }>(await alice.client.get('/api/me/api-keys')).keys.map(
      (listed) => listed.name,
    );
    assert.deepEqual(names, ['mcp']);
  });

  it("treats another user's key as not found, and a forged key as unauthorized", async () => {
    const { app } = createTestApp(ctx.store);
    const alice = await signUp(app);
    const bob = await signUp(app);
    const key = json<ApiKeyJson>(await alice.client.post('/api/me/api-keys', { name: 'mine' }));

    assert.equal((await bob.client.delete(`/api/me/api-keys/${key.id}`)).status, 404);
    assert.deepEqual(json<{ keys: unknown[] }>(await bob.client.get('/api/me/api-keys')).keys, []);

    // Bob's id with Alice's secret part: the hash lookup runs in Bob's scope and finds nothing.
    const bobsKey = json<ApiKeyJson>(await bob.client.post('/api/me/api-keys', { name: 'b' }));
    const forged = `${(bobsKey.key ?? '').slice(0, 26)}${(key.key ?? '').slice(26)}`;
    assert.equal((await new Client(app, forged).get('/api/me')).status, 401);
    const malformed = await new Client(app, 'tck_short').get('/api/me');
    assert.equal(malformed.status, 401);
    assert.match(json<{ error: { message: string } }>(malformed).error.message, /malformed/);
  });

  it('validates the name: required, at most the limit, unique per user', async () => {
    const { app } = createTestApp(ctx.store);
    const alice = await signUp(app);
    const empty = await alice.client.post('/api/me/api-keys', { name: ' ' });
    assert.equal(empty.status, 422);
    const long = await alice.client.post('/api/me/api-keys', {
      name: 'x'.repeat(API_KEY_NAME_MAX + 1),
    });
    assert.equal(long.status, 422);
    assert.match(JSON.stringify(long.body), new RegExp(`at most ${API_KEY_NAME_MAX} characters`));
    assert.equal((await alice.client.post('/api/me/api-keys', { name: 'ci' })).status, 201);
    const again = await alice.client.post('/api/me/api-keys', { name: 'ci' });
    assert.equal(again.status, 409);
    assert.equal(json<{ error: { code: string } }>(again).error.code, 'conflict');
  });

  it('goes with its user when the account is deleted', async () => {
    const user = await createUser(ctx.store);
    const { key } = await ctx.store.apiKeys.createApiKey(user.id, { name: 'gone soon' });
    assert.equal(await ctx.store.apiKeys.authenticate(key), user.id);
    await ctx.store.users.deleteUser(user.id);
    await assert.rejects(ctx.store.apiKeys.authenticate(key), { code: 'unauthorized' });
  });

  it('signs an MCP client in on /mcp over streamable HTTP', async () => {
    const { app } = createTestApp(ctx.store);
    const server: ServerType = await new Promise((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => {
        resolve(started);
      });
    });
    try {
      const { port } = server.address() as AddressInfo;
      const alice = await signUp(app);
      const key = json<ApiKeyJson>(await alice.client.post('/api/me/api-keys', { name: 'mcp' }));
      const client = new McpClient({ name: 'api-key-test', version: '1.0.0' });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
          requestInit: { headers: { Authorization: `Bearer ${key.key ?? ''}` } },
        }),
      );
      await client.callTool({ name: 'add_task', arguments: { title: 'from an MCP key' } });
      await client.close();
      assert.deepEqual(
        (await ctx.store.tasks.listTasks(alice.userId)).map((task) => task.title),
        ['from an MCP key'],
      );
    } finally {
      server.close();
    }
  });
});
