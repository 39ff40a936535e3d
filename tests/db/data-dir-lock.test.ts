import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { StoreLockedError } from '../../src/errors.ts';
import { openStore } from '../../src/store.ts';

const run = promisify(execFile);
const root = mkdtempSync(join(tmpdir(), 'todochat-lock-'));
after(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('embedded data directory', () => {
  it('creates the directory on first use and keeps data across reopenings', async () => {
    const dataDir = join(root, 'nested', 'db');
    const first = await openStore({ dataDir });
    const user = await first.users.createUser({ email: 'persist@example.com' });
    await first.close();
    assert.ok(existsSync(dataDir));

    const second = await openStore({ dataDir });
    try {
      assert.equal((await second.users.getUser(user.id))?.email, 'persist@example.com');
    } finally {
      await second.close();
    }
  });

  it('refuses a second store on the same directory until the first closes', async () => {
    const dataDir = join(root, 'shared');
    const first = await openStore({ dataDir });
    await assert.rejects(openStore({ dataDir }), (error) => {
      assert.ok(error instanceof StoreLockedError);
      assert.equal(error.code, 'store_locked');
      assert.match(error.message, new RegExp(`in use by another process \\(pid ${process.pid}\\)`));
      return true;
    });
    await first.close();
    const again = await openStore({ dataDir });
    await again.close();
  });

  it('gives another process a clear error while the directory is in use', async () => {
    const dataDir = join(root, 'cross-process');
    const store = await openStore({ dataDir });
    try {
      const script = `
        import { openStore } from './src/store.ts';
        try { await openStore({ dataDir: ${JSON.stringify(dataDir)} }); console.log('opened'); }
        catch (error) { console.log(error.code + ': ' + error.message); }`;
      const { stdout } = await run(process.execPath, [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        script,
      ]);
      assert.match(stdout, /^store_locked: The data directory .* is in use by another process/);
    } finally {
      await store.close();
    }
  });

  it('takes over a lock left by a process that no longer runs', async () => {
    const dataDir = join(root, 'stale');
    // A pid far above any pid_max in use: no such process.
    writeFileSync(`${dataDir}.lock`, '2147483646\n');
    const store = await openStore({ dataDir });
    await store.close();
    assert.equal(existsSync(`${dataDir}.lock`), false);
  });

  it('lets the process exit after closing a restored store that ran no query', async () => {
    const script = `
      import { PGlite } from '@electric-sql/pglite';
      import { openStore } from './src/store.ts';
      const source = await PGlite.create({ dataDir: 'memory://' });
      const initialData = await source.dumpDataDir('none');
      await source.close();
      const store = await openStore({ dataDir: 'memory://', initialData, migrate: false });
      await store.close();
      console.log('closed');`;
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      // A process kept alive by PGlite never exits; the limit only has to be far
      // above a slow start (two PGlite boots under tsx on a loaded machine).
      { timeout: 120_000 },
    );
    assert.equal(stdout.trim(), 'closed');
  });
});
