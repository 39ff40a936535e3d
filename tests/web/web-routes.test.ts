// The page's assets over HTTP, in process: the same page at `/` and at every
// conversation address, a strict CSP with no inline script, gzip, ETags.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { createApp } from '../../src/app.ts';
import { TokenService } from '../../src/auth/token.service.ts';
import type { AppRouter } from '../../src/http/app-env.ts';
import { openStore, type Store } from '../../src/store.ts';

describe('the page routes', () => {
  let store: Store;
  let app: AppRouter;
  before(async () => {
    store = await openStore({ dataDir: 'memory://' });
    app = createApp({
      store,
      tokens: new TokenService({ secret: randomUUID().repeat(2), ttlSeconds: 60 }),
      logger: pino({ level: 'silent' }),
    });
  });
  after(() => store.close());

  it('serves the page at / and at /c/<id>, under a CSP that allows no inline script', async () => {
    const home = await app.request('/');
    const conversation = await app.request(`/c/${randomUUID()}`);
    assert.equal(home.status, 200);
    assert.equal(conversation.status, 200);
    const html = await home.text();
    assert.equal(await conversation.text(), html);
    for (const response of [home, conversation]) {
      const csp = response.headers.get('Content-Security-Policy') ?? '';
      assert.match(csp, /script-src 'self';/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    }
    assert.deepEqual(
      [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0]),
      ['<script type="module" src="/app.js">'],
    );
    assert.doesNotMatch(html, /<script[^>]*>[^<]/);
  });

  it('sends the bundle gzipped when asked, and a 304 for an unchanged ETag', async () => {
    const plain = await app.request('/app.js');
    const script = await plain.text();
    assert.match(plain.headers.get('Content-Type') ?? '', /javascript/);
    assert.ok(script.length > 1000);
    const zipped = await app.request('/app.js', { headers: { 'Accept-Encoding': 'gzip, br' } });
    assert.equal(zipped.headers.get('Content-Encoding'), 'gzip');
    assert.equal(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString(), script);
    const etag = plain.headers.get('ETag') ?? '';
    const again = await app.request('/app.js', { headers: { 'If-None-Match': etag } });
    assert.equal(again.status, 304);
  });

  it('answers other paths under /c/ with the API not-found error', async () => {
    const response = await app.request('/c/one/two');
    assert.equal(response.status, 404);
    const body = (await response.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'not_found');
  });
});
