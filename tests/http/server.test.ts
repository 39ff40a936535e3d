// The real server on an ephemeral loopback port, spoken to over HTTP.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, type Socket } from 'node:net';
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

/** Opens a socket to `url`, writes `data`, and resolves with when the server closed it (ms). */
function slowClient(url: string, data: string): { socket: Socket; closed: Promise<number> } {
  const { hostname, port } = new URL(url);
  const started = Date.now();
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  socket.on('connect', () => socket.write(data));
  socket.resume();
  const closed = new Promise<number>((resolve) => {
    socket.on('close', () => {
      resolve(Date.now() - started);
    });
  });
  return { socket, closed };
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

  it('closes slow-header, slow-body and idle sockets after its timeouts, and caps connections', async () => {
    const config = loadConfig({
      TODOCHAT_DATA_DIR: join(root, 'slow'),
      PORT: '0',
      LOG_LEVEL: 'silent',
      HTTP_HEADERS_TIMEOUT_MS: '500',
      HTTP_REQUEST_TIMEOUT_MS: '1000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '500',
      HTTP_MAX_CONNECTIONS: '20',
    });
    const server = await startServer(config, createLogger(config));
    try {
      const slowHeaders = Array.from({ length: 10 }, () =>
        slowClient(server.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n'),
      );
      const slowBody = slowClient(
        server.url,
        'POST /api/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
      );
      const idle = slowClient(server.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      // Past the cap, a connection is closed as soon as it arrives.
      const extra = Array.from({ length: 12 }, () => slowClient(server.url, ''));
      const waits = await Promise.all([
        ...slowHeaders.map((client) => client.closed),
        slowBody.closed,
        idle.closed,
      ]);
      // Each timeout is enforced by a sweep up to a second late, on a busy machine later still.
      for (const ms of waits) assert.ok(ms < 5_000, `closed after ${ms} ms`);
      // The slow sockets would also be closed by the header timeout, but not
      // before 500 ms: those past the cap go at once. 24 sockets, cap 20.
      const extraWaits = await Promise.all(extra.map((client) => client.closed));
      const refused = extraWaits.filter((ms) => ms < 400).length;
      assert.ok(refused >= 4, `closed at once: ${refused} (${extraWaits.join(', ')} ms)`);
      assert.equal((await call(`${server.url}/healthz`)).status, 200);
    } finally {
      await server.close();
    }
  });
});
