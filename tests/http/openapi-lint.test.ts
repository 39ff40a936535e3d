// The OpenAPI document as the tools that adopters point at it see it:
// Redocly's recommended ruleset with nothing but redocly.yaml's justified
// exceptions, method names a client generator can use, and every status the
// app-wide middleware can send.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openStore, type Store } from '../../src/store.ts';
import { Client, createTestApp } from '../support/http.ts';

const run = promisify(execFile);
const repo = new URL('../..', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'todochat-openapi-'));

interface Operation {
  operationId?: string;
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, unknown>;
}
type Document = { paths: Record<string, Record<string, Operation>> } & Record<string, unknown>;

let store: Store;
let document: Document;
before(async () => {
  store = await openStore({ dataDir: 'memory://' });
  const { app } = createTestApp(store);
  document = (await new Client(app).get('/openapi.json')).body as Document;
});
after(async () => {
  await store.close();
  rmSync(root, { recursive: true, force: true });
});

function operations(): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]): [string, Operation] => [
      `${method} ${path}`,
      operation,
    ]),
  );
}

describe('OpenAPI document under Redocly', () => {
  it('has no errors and no warnings under the recommended ruleset', async () => {
    const file = join(root, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const cli = join(repo, 'node_modules/@redocly/cli/bin/cli.js');
    const { stdout } = await run(
      process.execPath,
      [cli, 'lint', file, '--config', join(repo, 'redocly.yaml'), '--format=json'],
      {
        cwd: repo,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    ).catch((error: unknown) => {
      // The CLI exits 1 when it finds errors; its report is still on stdout.
      const { stdout } = error as { stdout?: string };
      if (stdout === undefined || stdout === '') throw error;
      return { stdout };
    });
    const report = JSON.parse(stdout) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };
    assert.deepEqual(
      report.problems.map((problem) => `${problem.ruleId}: ${problem.message}`),
      [],
    );
    assert.deepEqual(report.totals, { ...report.totals, errors: 0, warnings: 0 });
  });

  it('names every operation with a unique verb-first camelCase operationId', () => {
    const ids = operations().map(([, operation]) => operation.operationId ?? '');
    for (const id of ids)
      assert.match(
        id,
        /^(?:get|list|create|add|update|delete|revoke|send|stream|stop|search|export|import|register|login)[A-Za-z]*$/,
      );
    assert.equal(new Set(ids).size, ids.length);
  });

  it('lets anyone register and sign in, and asks for a bearer token everywhere else', () => {
    assert.deepEqual(document.security, [{ bearerAuth: [] }]);
    for (const [name, operation] of operations()) {
      const open = name === 'post /api/auth/register' || name === 'post /api/auth/login';
      assert.deepEqual(operation.security, open ? [] : [{ bearerAuth: [] }], name);
      if (!open) assert.ok('401' in operation.responses, `${name} documents 401`);
    }
  });

  it('documents the statuses the middleware sends: 500 and 503 on all, 400/413/415/422 with a body', () => {
    for (const [name, operation] of operations()) {
      for (const status of ['500', '503'])
        assert.ok(status in operation.responses, `${name} ${status}`);
      if (operation.requestBody === undefined) continue;
      for (const status of ['400', '413', '415', '422']) {
        assert.ok(status in operation.responses, `${name} documents ${status}`);
      }
    }
  });

  it('sends the documented 413 when a body is over the limit', async () => {
    const { app } = createTestApp(store, { bodyLimitBytes: 1024 });
    const response = await app.request('/api/auth/register', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'big@example.com', password: 'x'.repeat(4096) }),
    });
    assert.equal(response.status, 413);
    assert.ok('413' in (document.paths['/api/auth/register']?.post?.responses ?? {}));
  });
});
