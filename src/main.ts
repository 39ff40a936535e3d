// Process entry for `npm start`: load configuration, start the HTTP API on
// the embedded database (or DATABASE_URL), stop cleanly on SIGTERM/SIGINT.
import { ConfigError, loadConfig } from './config.ts';
import { AppError } from './errors.ts';
import { createLogger, startServer } from './server.ts';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config);
  const server = await startServer(config, logger);
  logger.info(
    { url: server.url, engine: server.store.engine, data: server.store.location },
    'todochat listening',
  );
  if (process.stdout.isTTY) {
    console.log(`\ntodochat is running at ${server.url}  (API docs: ${server.url}/docs)\n`);
  }

  const stop = (signal: string): void => {
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => {
        logger.info('stopped');
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

try {
  await main();
} catch (error) {
  if (error instanceof AppError || error instanceof ConfigError) {
    console.error(`todochat: ${error.message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
