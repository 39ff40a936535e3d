// `prepare` (run by npm install in a checkout, and for git dependencies):
// build dist/. A production install (npm ci --omit=dev) has no TypeScript
// and ships with its build already present, so it is left alone.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import process from 'node:process';

try {
  createRequire(import.meta.url).resolve('typescript');
} catch {
  process.exit(0);
}
const run = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
process.exit(run.status ?? 1);
