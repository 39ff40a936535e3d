// Process entry for `npm start`: load configuration, open the store (which
// migrates it), and report where the data lives.
import { loadConfig } from './config.ts';
import { AppError } from './errors.ts';
import { openStore } from './store.ts';
import { latestMigrationName } from './db/migrator.ts';

async function main(): Promise<number> {
  const config = loadConfig();
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pool: config.pool,
  });
  try {
    console.log(`todochat store ready (${store.engine})`);
    console.log(`  data:   ${store.location}`);
    console.log(`  schema: ${latestMigrationName ?? '(none)'}`);
  } finally {
    await store.close();
  }
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof AppError || (error instanceof Error && error.name === 'ConfigError')) {
    console.error(`todochat: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
