// `npm test`: node's test runner over every *.test.ts under src/ (unit tests
// beside their module) and tests/ (tests that boot a database or the app).
// Node 20's --test takes no glob patterns, hence this file. Paths given on
// the command line run instead of the whole suite: `npm test -- tests/chat`.
import { spawnSync } from 'node:child_process';
import process from 'node:process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function testFiles(root) {
  if (statSync(root).isFile()) return [root];
  return readdirSync(root, { recursive: true })
    .filter((file) => file.endsWith('.test.ts') && !file.split('/').includes('node_modules'))
    .map((file) => join(root, file));
}

const paths = process.argv.slice(2);
const files = (paths.length > 0 ? paths : ['src', 'tests']).flatMap(testFiles).sort();
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', ...files],
  { stdio: 'inherit' },
);
process.exit(run.status ?? 1);
