// Bodies as Node's HTTP server delivers them, over a real socket: the body
// limit decides from Content-Length when it is sent and counts a chunked body
// as it arrives, and the UTF-8 check reads the socket's bytes once. (The other
// HTTP tests call app.request(), whose requests have no Content-Length.)
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { describeStore } from '../support/databases.ts';
import { createTestApp, signUp } from '../support/http.ts';

interface Answer {
  status: number;
  body: { error?: { code: string; message: string } } & Record<string, unknown>;
}

/** One request; `chunks` are written one by one, so without a length the body goes chunked. */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  chunks: Buffer[] = [],
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      const parts: Buffer[] = [];
      response.on('data', (part: Buffer) => parts.push(part));
      response.on('end', () => {
        const text = Buffer.concat(parts).toString();
        resolve({
          status: response.statusCode ?? 0,
          body: (text === '' ? {} : JSON.parse(text)) as Answer['body'],
        });
      });
    });
    // The server may answer 413 before the whole body is written.
    outgoing.on('error', reject);
    for (const chunk of chunks) outgoing.write(chunk);
    outgoing.end();
  });
}

describeStore('request bodies over a socket', (ctx) => {
  let server: ServerType;
  let port = 0;
  let token = '';
  let userId = '';

  before(async () => {
    const { app } = createTestApp(ctx.store, { bodyLimitBytes: 2048 });
    ({ token, userId } = await signUp(app));
    server = await new Promise((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () =>
        resolve(started),
      );
    });
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.close();
  });

  const json = (body: unknown) => Buffer.from(JSON.stringify(body));
  const headers = () => ({ Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' });
  /** POST /api/tasks with its Content-Length, as most clients send a body. */
  const postSized = (body: Buffer) =>
    send(port, 'POST', '/api/tasks', { ...headers(), 'Content-Length': String(body.length) }, [
      body,
    ]);
  /** POST /api/tasks in these chunks, with no length: Transfer-Encoding: chunked. */
  const postChunked = (chunks: Buffer[]) => send(port, 'POST', '/api/tasks', headers(), chunks);

  it('takes a body within the limit, sized or chunked, and answers a GET', async () => {
    const sized = json({ title: 'buy milk' });
    const created = await postSized(sized);
    assert.equal(created.status, 201);
    const chunked = await postChunked([Buffer.from('{"title":'), Buffer.from('"buy eggs"}')]);
    assert.equal(chunked.status, 201);
    const listed = await send(port, 'GET', '/api/tasks', { Authorization: `Bearer ${token}` });
    assert.equal(listed.status, 200);
    const titles = (await ctx.store.tasks.listTasks(userId)).map((task) => task.title);
    assert.deepEqual(titles.sort(), ['buy eggs', 'buy milk']);
  });

  it('refuses a body over the limit with 413, by its Content-Length or as it streams', async () => {
    const big = json({ title: 'x', description: 'y'.repeat(4000) });
    const sized = await postSized(big);
    assert.equal(sized.status, 413);
    assert.equal(sized.body.error?.code, 'payload_too_large');
    const chunked = await postChunked([big.subarray(0, 1500), big.subarray(1500)]);
    assert.equal(chunked.status, 413);
    assert.equal(chunked.body.error?.code, 'payload_too_large');
    const titles = (await ctx.store.tasks.listTasks(userId)).map((task) => task.title);
    assert.ok(!titles.includes('x'));
  });

  it('refuses a body that is not valid UTF-8 with 400 malformed_request', async () => {
    const bad = Buffer.concat([
      Buffer.from('{"title":"caf'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const reply = await postSized(bad);
    assert.equal(reply.status, 400);
    assert.ok(reply.body.error !== undefined);
    assert.equal(reply.body.error.code, 'malformed_request');
    assert.match(reply.body.error.message, /UTF-8/);
  });
});
