// The real server on an ephemeral loopback port, spoken to over HTTP.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../src/config.ts';
import { openStore } from '../../src/store.ts';
import { createLogger, startServer } from '../../src/server.ts';
import { PASSWORD } from '../support/fixtures.ts';

const root = mkdtempSync(join(tmpdir(), 'todochat-server-'));
after(() => {
  rmSync(root, { recursive: true, force: true });
});

async function call(
  url: string,
  init: RequestInit & { token?: string } = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const headers = new Headers(init.headers);
  if (init.token !== undefined) headers.set('Authorization', `Bearer ${init.token}`);
  if (init.body !== undefined) headers.set('Content-Type', 'application/json');
  const response = await fetch(url, { ...init, headers });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

describe('the HTTP server', () => {
  it('serves the API on loopback, keeps tokens across restarts, and releases the data directory on close', async () => {
    const dataDir = join(root, 'db');
    const config = loadConfig({
      TODOCHAT_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
    });
    const server = await startServer(config, createLogger(config));
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);

    assert.equal((await call(`${server.url}/readyz`)).status, 200);
    const registered = await call(`${server.url}/api/auth/register`, {
      method: 'POST',
      body: JSON.stringify({ email: 'server@example.com', password: PASSWORD }),
    });
    assert.equal(registered.status, 201);
    const token = registered.body.access_token as string;
    const conversation = await call(`${server.url}/api/chat/conversations`, {
      method: 'POST',
      token,
    });
    const id = conversation.body.id as string;
    const saved = await call(`${server.url}/api/chat/conversations/${id}/messages`, {
      method: 'POST',
      token,
      body: JSON.stringify({ role: 'user', content: 'over the wire' }),
    });
    assert.equal(saved.status, 201);
    await server.close();
    await assert.rejects(fetch(`${server.url}/healthz`));

    // The data directory is free again, and the same token still works after a restart.
    const again = await startServer(config, createLogger(config));
    try {
      const history = await call(`${again.url}/api/chat/conversations/${id}/messages`, { token });
      assert.equal(history.status, 200);
      assert.deepEqual(
        (history.body.messages as { content: string }[]).map((message) => message.content),
        ['over the wire'],
      );
    } finally {
      await again.close();
    }
    const store = await openStore({ dataDir });
    await store.close();
  });

  it('refuses to start a second server on a data directory in use', async () => {
    const dataDir = join(root, 'held');
    const config = loadConfig({ TODOCHAT_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent' });
    const first = await startServer(config, createLogger(config));
    try {
      await assert.rejects(startServer(config, createLogger(config)), { code: 'store_locked' });
    } finally {
      await first.close();
    }
  });
});
