// Property: whatever a client sends to any route (any body, bytes, headers,
// ids, cursors, query values), the answer is never a 5xx and never carries
// database text. Bounded in runs so it stays a few seconds per engine.
import assert from 'node:assert/strict';
import { before, it } from 'node:test';
import fc from 'fast-check';
import { describeStore } from '../support/databases.ts';
import { createTestApp, json, signUp, type TestApp } from '../support/http.ts';

const RUNS = 150;

// What PostgreSQL, PGlite, the driver or the query builder would say.
const DATABASE_TEXT =
  /violates|duplicate key|syntax error|invalid input syntax|relation "|column "|SQLSTATE|out of range for type|kysely|pg_|PGlite is|current_setting|todochat_\w+_role|at \w+ \(/i;

const ROUTES: readonly [method: string, path: string][] = [
  ['POST', '/api/auth/register'],
  ['POST', '/api/auth/login'],
  ['GET', '/api/me'],
  ['POST', '/api/chat/conversations'],
  ['GET', '/api/chat/conversations'],
  ['GET', '/api/chat/conversations/{id}'],
  ['PATCH', '/api/chat/conversations/{id}'],
  ['DELETE', '/api/chat/conversations/{id}'],
  ['GET', '/api/chat/conversations/{id}/messages'],
  ['POST', '/api/chat/conversations/{id}/messages'],
  ['GET', '/api/tasks'],
  ['POST', '/api/tasks'],
  ['GET', '/api/tasks/{id}'],
  ['PATCH', '/api/tasks/{id}'],
  ['DELETE', '/api/tasks/{id}'],
  ['POST', '/api/chat'],
  ['POST', '/api/{id}/chat'],
  ['POST', '/api/chat/stream'],
  ['POST', '/mcp'],
  ['GET', '/readyz'],
];

const printable = fc.stringMatching(/^[\x20-\x7e]{0,80}$/);

describeStore('fuzzing every route', (ctx) => {
  let test: TestApp;
  let token = '';
  let conversationId = '';
  let userId = '';

  before(async () => {
    test = createTestApp(ctx.store);
    const user = await signUp(test.app);
    token = user.token;
    userId = user.userId;
    conversationId = json<{ id: string }>(await user.client.post('/api/chat/conversations')).id;
    await user.client.post('/api/tasks', { title: 'a task' });
  });

  const id = () =>
    fc.oneof(
      fc.constant(conversationId),
      fc.constant(userId),
      fc.uuid(),
      fc.integer({ min: -3, max: 3 }).map(String),
      fc.bigInt({ min: 2n ** 31n - 2n, max: 2n ** 70n }).map(String),
      fc.double().map(String),
      fc.string({ maxLength: 40 }),
      fc.constantFrom('', '%00', '..', '1e9', 'NaN', '0x1f', ' 1', '１'),
    );

  const cursor = () =>
    fc.oneof(
      fc.string({ maxLength: 60 }),
      fc
        .tuple(fc.constantFrom('m1.', 'c1.', ''), fc.string({ maxLength: 60 }))
        .map(([prefix, text]) => prefix + Buffer.from(text).toString('base64url')),
      fc
        .tuple(
          fc.date({ min: new Date(-1e14), max: new Date(1e14), noInvalidDate: true }),
          fc.uuid(),
        )
        .map(
          ([date, uuid]) =>
            `c1.${Buffer.from(`${date.toISOString().replace('Z', '123Z')}|${uuid}`).toString('base64url')}`,
        ),
    );

  const query = () =>
    fc
      .dictionary(
        fc.constantFrom('limit', 'cursor', 'before', 'after', 'status', 'x', 'limit[]'),
        fc.oneof(cursor(), fc.integer().map(String), fc.constantFrom('all', 'active', '-1', '')),
        { maxKeys: 4 },
      )
      .map((entries) => new URLSearchParams(entries).toString());

  const body = () =>
    fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc
        .record(
          {
            role: fc.oneof(fc.constantFrom('user', 'assistant', 'system'), fc.string()),
            content: fc.oneof(fc.string({ maxLength: 1200 }), fc.jsonValue()),
            title: fc.oneof(fc.string({ maxLength: 250 }), fc.jsonValue()),
            description: fc.string({ maxLength: 50 }),
            completed: fc.oneof(fc.boolean(), fc.jsonValue()),
            status: fc.oneof(fc.constantFrom('active', 'archived'), fc.string()),
            metadata: fc.jsonValue(),
            message: fc.string({ maxLength: 300 }),
            conversation_id: id(),
            email: fc.oneof(fc.emailAddress(), fc.string()),
            password: fc.string({ maxLength: 300 }),
            new: fc.jsonValue(),
          },
          { requiredKeys: [] },
        )
        .map((value) => JSON.stringify(value)),
      fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
      fc.string({ maxLength: 100 }),
      fc.constant(undefined),
    );

  const headers = () =>
    fc.record(
      {
        'Content-Type': fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/vnd.api+json',
          '',
        ),
        'Idempotency-Key': printable,
        Authorization: fc.oneof(
          fc.constant('valid'),
          printable,
          printable.map((text) => `Bearer ${text}`),
        ),
        Accept: fc.constantFrom('application/json', 'text/event-stream', '*/*'),
      },
      { requiredKeys: ['Authorization'] },
    );

  it(`answers ${RUNS} arbitrary requests without a 5xx or any database text`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        id(),
        query(),
        body(),
        headers(),
        async ([method, template], pathId, search, payload, sent) => {
          const path = template.replace('{id}', encodeURIComponent(pathId));
          const requestHeaders: Record<string, string> = { ...sent };
          if (sent.Authorization === 'valid') requestHeaders.Authorization = `Bearer ${token}`;
          const response = await test.app.request(`${path}${search === '' ? '' : `?${search}`}`, {
            method,
            headers: requestHeaders,
            body: method === 'GET' || method === 'DELETE' ? null : (payload ?? null),
          });
          const text = await response.text();
          assert.ok(response.status < 500, `${method} ${path} → ${response.status}: ${text}`);
          assert.doesNotMatch(text, DATABASE_TEXT, `${method} ${path}`);
        },
      ),
      { numRuns: RUNS },
    );
  });
});
