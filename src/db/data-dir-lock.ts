// PGlite has no lock of its own on its data directory, and two processes
// writing one directory corrupt it. This lock file beside the directory
// holds the owner's pid; a lock whose process is gone is taken over.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { StoreLockedError } from '../errors.ts';

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function lockDataDir(dataDir: string): DataDirLock {
  const path = `${dataDir}.lock`;
  // The pid is written to a private file first and linked into place, so the
  // lock never exists without its owner's pid in it.
  const staging = `${path}.${process.pid}`;
  writeFileSync(staging, `${process.pid}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(staging, path);
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = readHolder(path);
        // Our own pid counts as alive: a second store on one directory in the
        // same process would corrupt it just the same.
        if (attempt > 0 || (holder !== undefined && isAlive(holder))) {
          throw new StoreLockedError(dataDir, holder);
        }
        rmSync(path, { force: true });
      }
    }
  } finally {
    rmSync(staging, { force: true });
  }
  const onExit = (): void => {
    if (readHolder(path) === process.pid) rmSync(path, { force: true });
  };
  process.once('exit', onExit);
  return {
    path,
    release() {
      process.removeListener('exit', onExit);
      onExit();
    },
  };
}
