// The package as an adopter gets it: `npm pack`, installed into an empty
// project, run on plain node (no tsx, no TypeScript sources). And the
// production install the Dockerfile performs: `npm ci --omit=dev` beside a
// build, then `node bin/todochat.js serve`.
import assert from 'node:assert/strict';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listeningUrl, runProcess, startProcess } from '../support/processes.ts';

const repo = new URL('../..', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'todochat-package-'));
after(() => {
  rmSync(root, { recursive: true, force: true });
});

const quiet = { ...process.env, npm_config_loglevel: 'error', npm_config_fund: 'false' };
// A node that cannot load tsx, so nothing here runs TypeScript by accident.
const plainEnv = { ...quiet, NODE_OPTIONS: '' };

async function npm(args: string[], cwd: string): Promise<string> {
  const { code, output } = await runProcess('npm', args, { cwd, env: quiet, timeoutMs: 110_000 });
  assert.equal(code, 0, `npm ${args.join(' ')} failed:\n${output}`);
  return output;
}

async function checkServer(command: string, args: string[], cwd: string): Promise<void> {
  const server = startProcess(command, args, {
    cwd,
    env: { ...plainEnv, PORT: '0', TODOCHAT_DATA_DIR: join(cwd, 'data') },
  });
  try {
    const url = await listeningUrl(server, 90_000);
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ok', engine: 'pglite' });
    const page = await fetch(`${url}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<html/i);
    // The page's script is bundled from the package's web/ sources at run time.
    const script = await fetch(`${url}/app.js`);
    assert.equal(script.status, 200);
    assert.ok((await script.text()).length > 1000);
  } finally {
    await server.stop();
  }
}

// npm pack runs `prepare`, which builds dist/: the production install below copies that build.
const packed = join(root, 'packed');
before(async () => {
  mkdirSync(packed);
  await npm(['pack', '--pack-destination', packed], repo);
});

describe('the npm package', () => {
  let consumer = '';
  let unavailable: string | undefined;

  before(async () => {
    const tarball = readdirSync(packed).find((file) => file.endsWith('.tgz'));
    assert.ok(tarball !== undefined);
    consumer = join(root, 'consumer');
    cpSync(join(repo, 'tests/package/consumer'), consumer, { recursive: true });
    const { code, output } = await runProcess(
      'npm',
      ['install', '--no-audit', '--prefer-offline', join(packed, tarball)],
      { cwd: consumer, env: quiet, timeoutMs: 110_000 },
    );
    // Installing needs the registry for the dependencies; without it there is nothing to test.
    if (code !== 0 && /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|network/i.test(output)) {
      unavailable = `the registry cannot be reached to install the dependencies:\n${output}`;
    } else {
      assert.equal(code, 0, output);
    }
  });

  it('packs only what runs: the build, the command, the page sources, README and LICENSE', (t) => {
    if (unavailable !== undefined) return t.skip(unavailable);
    const installed = join(consumer, 'node_modules/todochat');
    // npm may nest a dependency under the package (node_modules/): that is
    // npm's layout of what was installed, not something the tarball carried.
    const top = readdirSync(installed)
      .filter((entry) => entry !== 'node_modules')
      .sort();
    assert.deepEqual(top, [
      'LICENSE',
      'README.md',
      'bin',
      'dist',
      'package.json',
      'tsconfig.json',
      'web',
    ]);
    assert.ok(!existsSync(join(installed, 'src')));
    const files = readdirSync(join(installed, 'dist'), { recursive: true }).map(String);
    assert.ok(files.includes('index.js') && files.includes('index.d.ts'));
    assert.ok(
      files.includes(join('agents', 'index.js')) && files.includes(join('agents', 'index.d.ts')),
    );
    assert.ok(!files.some((file) => file.includes('.test.')));
  });

  it("imports openStore from 'todochat' and StoreSession from 'todochat/agents' on plain node", async (t) => {
    if (unavailable !== undefined) return t.skip(unavailable);
    const { code, output } = await runProcess(process.execPath, ['use-store.mjs'], {
      cwd: consumer,
      env: plainEnv,
    });
    assert.equal(code, 0, output);
    assert.match(output, /task 1: from the package \(pending\)/);
    assert.match(output, /session item: hello from the agents entry/);
  });

  it('ships declarations a strict TypeScript consumer type-checks against', async (t) => {
    if (unavailable !== undefined) return t.skip(unavailable);
    const tsc = join(repo, 'node_modules/typescript/bin/tsc');
    const { code, output } = await runProcess(process.execPath, [tsc, '-p', '.'], {
      cwd: consumer,
      env: plainEnv,
    });
    assert.equal(code, 0, output);
  });

  it('runs `npx todochat serve`: ready, with the page', async (t) => {
    if (unavailable !== undefined) return t.skip(unavailable);
    await checkServer('npx', ['--no-install', 'todochat', 'serve'], consumer);
  });
});

/** The Dockerfile's runtime stage as steps: what it copies from the checkout, the build, its install and its command. */
function runtimeStage(): { copies: string[]; install: string[]; command: string[] } {
  const text = readFileSync(join(repo, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const stage = text.slice(text.indexOf(' AS runtime'));
  const copies: string[] = [];
  let install: string[] = [];
  let command: string[] = [];
  for (const line of stage.split('\n')) {
    const [instruction, ...words] = line.trim().split(/\s+/);
    if (instruction === 'COPY') {
      const from = words[0]?.startsWith('--from=build') === true;
      const sources = words.slice(from ? 1 : 0, -1);
      copies.push(...sources.map((source) => (from ? source.replace('/app/', '') : source)));
    } else if (instruction === 'RUN' && words[0] === 'npm') {
      install = words.slice(1);
    } else if (instruction === 'CMD') {
      command = JSON.parse(words.join(' ')) as string[];
    }
  }
  return { copies, install, command };
}

describe('the production install (the Dockerfile steps)', () => {
  it("serves on plain node after the runtime stage's npm ci --omit=dev beside the build", async () => {
    const { copies, install, command } = runtimeStage();
    assert.deepEqual(copies, [
      'package.json',
      'package-lock.json',
      'dist',
      'bin',
      'web',
      'tsconfig.json',
    ]);
    assert.deepEqual(install.slice(0, 2), ['ci', '--omit=dev']);
    assert.deepEqual(command, ['node', 'bin/todochat.js', 'serve']);

    const app = join(root, 'app');
    // dist/ is the build npm pack's prepare made above, as the build stage's npm ci makes it.
    for (const file of copies) cpSync(join(repo, file), join(app, file), { recursive: true });
    await npm([...install, '--prefer-offline'], app);
    assert.ok(!existsSync(join(app, 'node_modules/tsx')));
    assert.ok(!existsSync(join(app, 'node_modules/typescript')));
    const [node, ...args] = command;
    assert.equal(node, 'node');
    await checkServer(process.execPath, args, app);
  });
});
