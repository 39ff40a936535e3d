import assert from 'node:assert/strict';
import { it } from 'node:test';
import { validate } from '@readme/openapi-parser';
import { describeStore } from '../support/databases.ts';
import { Client, createTestApp } from '../support/http.ts';

const ROUTES = [
  'post /api/auth/register',
  'post /api/auth/login',
  'get /api/me',
  'post /api/chat/conversations',
  'get /api/chat/conversations',
  'get /api/chat/conversations/{id}',
  'patch /api/chat/conversations/{id}',
  'delete /api/chat/conversations/{id}',
  'get /api/chat/conversations/{id}/messages',
  'post /api/chat/conversations/{id}/messages',
  'get /api/tasks',
  'post /api/tasks',
  'get /api/tasks/{id}',
  'patch /api/tasks/{id}',
  'delete /api/tasks/{id}',
  'post /api/chat',
  'post /api/{user_id}/chat',
  'post /api/chat/stream',
  'post /api/chat/conversations/{id}/stop',
  'patch /api/me',
  'delete /api/me',
  'get /api/search',
  'get /api/export',
  'post /api/import',
  'get /api/chat/conversations/{id}/export.md',
  'post /api/me/api-keys',
  'get /api/me/api-keys',
  'delete /api/me/api-keys/{id}',
];

describeStore('OpenAPI document', (ctx) => {
  it('is a valid OpenAPI 3.1 document listing every API route', async () => {
    const { app } = createTestApp(ctx.store);
    const reply = await new Client(app).get('/openapi.json');
    assert.equal(reply.status, 200);
    const document = reply.body as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    assert.equal(document.openapi, '3.1.0');
    const result = await validate(structuredClone(document) as never);
    assert.ok(result.valid, result.valid ? '' : JSON.stringify(result.errors, null, 2));

    const listed = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    assert.deepEqual(listed.sort(), [...ROUTES].sort());
  });

  it('documents the error shape and bearer security on protected routes', async () => {
    const { app } = createTestApp(ctx.store);
    const document = (await new Client(app).get('/openapi.json')).body as {
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
      paths: Record<
        string,
        Record<string, { security?: unknown; responses: Record<string, unknown> }>
      >;
    };
    assert.ok('Error' in document.components.schemas);
    assert.deepEqual(document.components.securitySchemes.bearerAuth, {
      type: 'http',
      scheme: 'bearer',
      description: (document.components.securitySchemes.bearerAuth as { description: string })
        .description,
    });
    assert.match(
      (document.components.securitySchemes.bearerAuth as { description: string }).description,
      /API key/,
    );
    const save = document.paths['/api/chat/conversations/{id}/messages']?.post;
    assert.ok(save !== undefined);
    assert.deepEqual(save.security, [{ bearerAuth: [] }]);
    for (const status of ['200', '201', '404', '413', '415', '422']) {
      assert.ok(status in save.responses, status);
    }
  });

  it('serves a docs page that loads only from this server', async () => {
    const { app } = createTestApp(ctx.store);
    const page = await app.request('/docs');
    assert.equal(page.status, 200);
    assert.match(
      page.headers.get('Content-Security-Policy') ?? '',
      /default-src 'none'; script-src 'self'/,
    );
    const html = await page.text();
    assert.doesNotMatch(html, /https?:\/\//);
    for (const asset of [
      '/docs/assets/swagger-ui-bundle.js',
      '/docs/assets/swagger-ui.css',
      '/docs/init.js',
    ]) {
      assert.ok(html.includes(asset), asset);
      assert.equal((await app.request(asset)).status, 200, asset);
    }
    assert.equal((await app.request('/docs/assets/..%2Fpackage.json')).status, 404);
  });
});
