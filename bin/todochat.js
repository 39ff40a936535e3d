#!/usr/bin/env node
// The `todochat` command. An installed package runs the compiled JavaScript
// in dist/ on plain node. A source checkout with its dev dependencies runs
// the TypeScript in src/ through tsx instead, so `npm start` never serves a
// stale build; without tsx (npm ci --omit=dev) it runs dist/ as well.
import { existsSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';

const root = new URL('../', import.meta.url);

async function loadTsx() {
  if (!existsSync(new URL('src/cli/todochat.ts', root))) return undefined;
  try {
    return await import('tsx/esm/api');
  } catch {
    return undefined;
  }
}

let cli;
const tsx = await loadTsx();
if (tsx !== undefined) {
  tsx.register();
  cli = await import('../src/cli/todochat.ts');
} else if (existsSync(new URL('dist/cli/todochat.js', root))) {
  cli = await import('../dist/cli/todochat.js');
} else {
  process.stderr.write(
    'todochat: the build is missing; run `npm run build` (or `npm install`) first\n',
  );
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
