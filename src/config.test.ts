import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

// The AI SDK, the drivers and the query builder: what `todochat --help`, a
// ConfigError or a host reading the configuration should not have to load.
const HEAVY = [
  'ai',
  '@ai-sdk/openai-compatible',
  '@ai-sdk/provider',
  'pg',
  '@electric-sql/pglite',
  'kysely',
];

// A resolve hook, chained after tsx's, that refuses any module of those packages.
const HOOKS = `
const heavy = ${JSON.stringify(HEAVY)};
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const name = heavy.find((name) => resolved.url.includes('/node_modules/' + name + '/'));
  if (name !== undefined) {
    throw new Error('loads ' + name + ' (' + specifier + ' from ' + context.parentURL + ')');
  }
  return resolved;
}`;

/** 'nothing heavy', or which package importing `path` in a fresh process loads. */
async function heavyLoadedBy(path: string): Promise<string> {
  const script = `
    import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));
    try { await import(${JSON.stringify(path)}); console.log('nothing heavy'); }
    catch (error) { console.log(error.message); }`;
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script],
    { cwd: root },
  );
  return stdout.trim();
}

describe('loading the configuration', () => {
  it('loads neither the AI SDK nor a database driver', async () => {
    assert.equal(await heavyLoadedBy('./src/config.ts'), 'nothing heavy');
  });

  it('is checked by a hook that does see such a load', async () => {
    assert.match(
      await heavyLoadedBy('./src/db/database.ts'),
      /^loads (@electric-sql\/pglite|pg|kysely) /,
    );
    assert.match(await heavyLoadedBy('./src/chat/chat-model.ts'), /^loads (@ai-sdk\/\S+|ai) /);
  });
});
