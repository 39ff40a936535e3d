// The todochat command line: `todochat serve | chat | mcp | db ...`.
// It honours the same DATABASE_URL and TODOCHAT_DATA_DIR as the server.
// bin/todochat.js calls main(); run directly (tsx src/cli/todochat.ts), it runs itself.
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { openDatabase, type DatabaseHandle } from '../db/database.ts';
import { migrateToLatest, migrationStatus, rollback, type MigrationStep } from '../db/migrator.ts';
import { translateDatabaseError } from '../db/database-errors.ts';
import { AppError, DatabaseUnavailableError } from '../errors.ts';
import { ListenError } from '../server.ts';
import { storeOptionsFrom } from '../store.ts';
import { runChatCommand } from './chat.command.ts';
import { runKeysCommand } from './keys.command.ts';
import { runMcpCommand } from './mcp.command.ts';
import { runServeCommand } from './serve.command.ts';
import { UsageError } from './usage-error.ts';

const USAGE = `Usage:
  todochat serve [--port N] [--host H]  the HTTP API, MCP endpoint and web page (npm start)
  todochat chat [--user EMAIL] [--new | --conversation ID]   chat with the assistant in the terminal
  todochat chat --list                 list your conversations
  todochat mcp --url URL --token KEY   MCP over stdio, relayed to a running server (or TODOCHAT_TOKEN)
  todochat mcp [--user EMAIL]          MCP over stdio on the store itself (no server running)
  todochat keys create --name NAME [--user EMAIL]   create an API key (printed once)
  todochat keys list [--user EMAIL]    list API keys with their last use
  todochat keys revoke ID [--user EMAIL]   revoke an API key
  todochat db migrate                  apply every pending migration
  todochat db rollback [--steps N]     undo the last N migrations (default 1)
  todochat db rollback --all           undo every migration
  todochat db status                   list migrations and when each ran

Environment: DATABASE_URL (PostgreSQL) or TODOCHAT_DATA_DIR (embedded, default ./.todochat/db).`;

async function withDatabase<T>(
  config: Config,
  work: (handle: DatabaseHandle) => Promise<T>,
): Promise<T> {
  const handle = await openDatabase(storeOptionsFrom(config));
  try {
    return await work(handle);
  } catch (error) {
    const translated = translateDatabaseError(error);
    if (translated instanceof DatabaseUnavailableError) {
      const reason = (error as { code?: unknown }).code;
      throw new DatabaseUnavailableError(
        `Cannot reach the database at ${handle.location}` +
          (typeof reason === 'string' ? ` (${reason})` : '') +
          '. Check that PostgreSQL is running there and that DATABASE_URL is right.',
        { cause: error },
      );
    }
    throw translated;
  } finally {
    await handle.close();
  }
}

/** The usage lines of one command group, for `todochat <group> --help`. */
function usageFor(group: string): string {
  const lines = USAGE.split('\n').filter((line) => line.startsWith(`  todochat ${group} `));
  return lines.length === 0
    ? USAGE
    : `Usage:\n${lines.join('\n')}\n\n${USAGE.slice(USAGE.indexOf('Environment:'))}`;
}

function printSteps(steps: readonly MigrationStep[], none: string): void {
  if (steps.length === 0) console.log(none);
  for (const step of steps) {
    console.log(`${step.direction === 'Up' ? 'applied ' : 'reverted'}  ${step.name}`);
  }
}

function parseSteps(args: string[]): number | 'all' {
  const { values } = parseArgs({
    args,
    options: { steps: { type: 'string' }, all: { type: 'boolean' } },
  });
  if (values.all === true) {
    if (values.steps !== undefined) throw new UsageError('use either --steps or --all, not both');
    return 'all';
  }
  if (values.steps === undefined) return 1;
  const steps = Number(values.steps);
  if (!Number.isInteger(steps) || steps < 1) {
    throw new UsageError(`--steps must be a positive whole number, got '${values.steps}'`);
  }
  return steps;
}

export async function runDbCommand(args: string[], config: Config): Promise<void> {
  const [command, ...rest] = args;
  switch (command) {
    case 'migrate':
      await withDatabase(config, async ({ db, location }) => {
        console.log(`database: ${location}`);
        printSteps(await migrateToLatest(db), 'already up to date');
      });
      return;
    case 'rollback': {
      const steps = parseSteps(rest);
      await withDatabase(config, async ({ db, location }) => {
        console.log(`database: ${location}`);
        printSteps(await rollback(db, steps), 'nothing to roll back');
      });
      return;
    }
    case 'status':
      await withDatabase(config, async ({ db, location }) => {
        console.log(`database: ${location}`);
        for (const migration of await migrationStatus(db)) {
          const when = migration.executedAt?.toISOString() ?? 'pending';
          console.log(`${when.padEnd(24)}  ${migration.name}`);
        }
      });
      return;
    default:
      throw new UsageError(
        command === undefined ? 'missing db command' : `unknown db command '${command}'`,
      );
  }
}

export async function main(argv: string[]): Promise<number> {
  const [group, ...rest] = argv;
  if (group !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    console.log(usageFor(group));
    return 0;
  }
  try {
    if (group === 'serve') {
      await runServeCommand(rest, loadConfig());
      return 0;
    }
    if (group === 'db') {
      await runDbCommand(rest, loadConfig());
      return 0;
    }
    if (group === 'chat') {
      await runChatCommand(rest, loadConfig());
      return 0;
    }
    if (group === 'keys') {
      await runKeysCommand(rest, loadConfig());
      return 0;
    }
    if (group === 'mcp') {
      await runMcpCommand(rest, loadConfig());
      return 0;
    }
    if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
      console.log(USAGE);
      return group === undefined ? 1 : 0;
    }
    throw new UsageError(`unknown command '${group}'`);
  } catch (error) {
    const badOption =
      error instanceof Error &&
      (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS') === true;
    if (error instanceof UsageError || badOption) {
      console.error(`todochat: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    if (error instanceof AppError || error instanceof ConfigError || error instanceof ListenError) {
      console.error(`todochat: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
