// Process entry for `npm start` in a checkout: the same as `todochat serve`.
import { main } from './cli/todochat.ts';

process.exitCode = await main(['serve', ...process.argv.slice(2)]);
