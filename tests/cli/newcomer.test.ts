// What a newcomer runs into on the first day, answered in plain words rather
// than a stack trace: a busy port, an unreachable database, stopping
// `npm start`, `--help`, and a second program on the server's data directory.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { sleep } from '../support/fixtures.ts';
import { listeningUrl, runProcess, startProcess } from '../support/processes.ts';

const repo = new URL('../..', import.meta.url).pathname;
const bin = join(repo, 'bin/todochat.js');
const root = mkdtempSync(join(tmpdir(), 'todochat-newcomer-'));
after(() => {
  rmSync(root, { recursive: true, force: true });
});

function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  return { ...base, LOG_LEVEL: 'warn', ...extra };
}

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

describe('the command line for a newcomer', () => {
  it('says the port is busy and how to choose another, without a stack trace', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const { port } = squatter.address() as AddressInfo;
    try {
      const { code, output } = await runProcess(process.execPath, [bin, 'serve'], {
        env: env({ PORT: String(port), TODOCHAT_DATA_DIR: join(root, 'busy') }),
      });
      assert.equal(code, 1, output);
      assert.match(output, new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.match(output, /PORT=\d+ npm start/);
      assert.doesNotMatch(output, STACK_LINE);
    } finally {
      squatter.close();
    }
  });

  it('says the database cannot be reached when db status has no server to talk to', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const { code, output } = await runProcess(process.execPath, [bin, 'db', 'status'], {
      env: env({ DATABASE_URL: `postgres://todochat@127.0.0.1:${port}/todochat` }),
    });
    assert.equal(code, 1, output);
    assert.match(output, /Cannot reach the database at postgres:\/\/todochat@127\.0\.0\.1:\d+/);
    assert.match(output, /Check that PostgreSQL is running/);
    assert.doesNotMatch(output, STACK_LINE);
  });

  it('prints the usage of a command for --help', async () => {
    for (const group of ['chat', 'mcp', 'serve', 'db', 'keys']) {
      const { code, output } = await runProcess(process.execPath, [bin, group, '--help'], {
        env: env({}),
      });
      assert.equal(code, 0, output);
      assert.match(output, new RegExp(`^  todochat ${group} `, 'm'));
      assert.doesNotMatch(output, /Unknown option/);
    }
  });

  it('stops the server when npm start gets SIGTERM, leaving no process and no lock', async () => {
    const dataDir = join(root, 'npm-start');
    const npm = startProcess('npm', ['start'], {
      cwd: repo,
      env: env({ PORT: '0', LOG_LEVEL: 'info', TODOCHAT_DATA_DIR: dataDir }),
    });
    try {
      const url = await listeningUrl(npm, 90_000);
      assert.equal((await fetch(`${url}/readyz`)).status, 200);
      assert.ok(existsSync(`${dataDir}.lock`));
      npm.signal('SIGTERM');
      await npm.exited();
      for (let waited = 0; npm.groupAlive() && waited < 10_000; waited += 100) await sleep(100);
      assert.equal(npm.groupAlive(), false, 'a process of npm start outlived it');
      assert.equal(existsSync(`${dataDir}.lock`), false);
      assert.match(npm.output(), /"msg":"stopped"/);
    } finally {
      await npm.stop();
    }
  });

  it('tells the terminal chat and stdio MCP how to work beside a running server', async () => {
    const dataDir = join(root, 'beside');
    const server = startProcess(process.execPath, [bin, 'serve'], {
      env: env({ PORT: '0', LOG_LEVEL: 'info', TODOCHAT_DATA_DIR: dataDir }),
    });
    try {
      await listeningUrl(server, 90_000);
      const chat = await runProcess(process.execPath, [bin, 'chat'], {
        env: env({ TODOCHAT_DATA_DIR: dataDir }),
      });
      assert.equal(chat.code, 1, chat.output);
      assert.match(chat.output, /in use by another process/);
      assert.match(chat.output, /chat beside it on its page at http:\/\/127\.0\.0\.1:3000\//);
      assert.match(chat.output, /same DATABASE_URL/);
      const mcp = await runProcess(process.execPath, [bin, 'mcp'], {
        env: env({ TODOCHAT_DATA_DIR: dataDir }),
      });
      assert.equal(mcp.code, 1, mcp.output);
      assert.match(mcp.output, /todochat mcp --url http:\/\/127\.0\.0\.1:3000 --token/);
      assert.doesNotMatch(chat.output + mcp.output, STACK_LINE);
    } finally {
      await server.stop();
    }
  });
});
