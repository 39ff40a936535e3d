import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { pino } from 'pino';
import {
  AppError,
  DatabaseUnavailableError,
  NotFoundError,
  RateLimitedError,
  StoreLockedError,
  ValidationError,
  type ErrorCode,
} from '../errors.ts';
import type { AppEnv } from './app-env.ts';
import { errorResponse, STATUS_BY_CODE, type ErrorBody } from './error-handler.ts';

/** An app whose one route throws `error`, answered by the real error handler. */
async function answer(error: unknown): Promise<{ response: Response; body: ErrorBody }> {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    c.set('requestId', 'req-1');
    c.set('logger', pino({ level: 'silent' }));
    await next();
  });
  app.get('/', () => {
    throw error;
  });
  app.onError((thrown, c) => errorResponse(c, thrown));
  const response = await app.request('/');
  return { response, body: (await response.json()) as ErrorBody };
}

describe('the HTTP error handler', () => {
  const codes = Object.keys(STATUS_BY_CODE) as ErrorCode[];
  for (const code of codes) {
    it(`answers ${code} with ${STATUS_BY_CODE[code]} and the one error shape`, async () => {
      const { response, body } = await answer(new AppError(code, `about ${code}`));
      assert.equal(response.status, STATUS_BY_CODE[code]);
      assert.equal(body.error.code, code);
      assert.equal(typeof body.error.message, 'string');
    });
  }

  it('names snake_case fields in validation issues', async () => {
    const { body } = await answer(ValidationError.field('idempotencyKey', 'must not be empty'));
    assert.deepEqual(body.error.details, {
      issues: [{ field: 'idempotency_key', message: 'must not be empty' }],
    });
  });

  it('tells a rate-limited client when to come back', async () => {
    const { response } = await answer(new RateLimitedError('slow down', 7));
    assert.equal(response.headers.get('retry-after'), '7');
  });

  it('asks clients to retry while the database is away', async () => {
    const { response } = await answer(new DatabaseUnavailableError('away'));
    assert.equal(response.status, 503);
    assert.equal(response.headers.get('retry-after'), '5');
  });

  it('keeps server-side details (paths, pids) out of the body', async () => {
    const { body } = await answer(new StoreLockedError('/secret/data', 1234));
    assert.equal(body.error.details, undefined);
  });

  it('keeps not-found details, which name only the kind of thing', async () => {
    const { body } = await answer(new NotFoundError('task'));
    assert.deepEqual(body.error.details, { resource: 'task' });
  });

  it('answers an unknown error with a bare 500 quoting the request id, never its text', async () => {
    const { response, body } = await answer(new Error('select * from users -- at /src/x.ts:1'));
    assert.equal(response.status, 500);
    assert.equal(body.error.code, 'internal_error');
    assert.match(body.error.message, /req-1/);
    assert.doesNotMatch(JSON.stringify(body), /select|\/src\//);
  });

  it("maps the framework's own exceptions to their codes", async () => {
    const cases: [number, string, ErrorCode][] = [
      [413, '', 'payload_too_large'],
      [415, '', 'unsupported_media_type'],
      [401, '', 'unauthorized'],
      [400, 'Malformed JSON in request body', 'malformed_request'],
    ];
    for (const [status, message, code] of cases) {
      const { body } = await answer(new HTTPException(status as 400, { message }));
      assert.equal(body.error.code, code);
    }
  });
});
