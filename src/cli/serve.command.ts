// `todochat serve` (and `npm start`): the HTTP API, MCP endpoint and page on
// the embedded database (or DATABASE_URL), until SIGTERM or SIGINT.
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { createLogger, startServer } from '../server.ts';
import { UsageError } from './usage-error.ts';

export async function runServeCommand(args: string[], config: Config): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, host: { type: 'string' } },
  });
  const port = values.port === undefined ? config.port : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a whole number from 0 to 65535, got '${values.port}'`);
  }
  const settings: Config = { ...config, port, host: values.host ?? config.host };
  const logger = createLogger(settings);
  const server = await startServer(settings, logger);
  logger.info(
    { url: server.url, engine: server.store.engine, data: server.store.location },
    'todochat listening',
  );
  if (process.stdout.isTTY) {
    console.log(`\ntodochat is running at ${server.url}  (API docs: ${server.url}/docs)\n`);
  }

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  logger.info({ signal }, 'shutting down');
  await server.close();
  logger.info('stopped');
}
