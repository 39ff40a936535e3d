// `todochat keys create|list|revoke`: API keys for MCP clients and scripts,
// on the store directly (DATABASE_URL, or the embedded data directory while
// no server holds it). With a server running, use POST /api/me/api-keys.
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import { openStore, storeOptionsFrom } from '../store.ts';
import { ensureLocalUser, LOCAL_USER_EMAIL } from './local-user.ts';
import { UsageError } from './usage-error.ts';

export async function runKeysCommand(args: string[], config: Config): Promise<void> {
  const [command, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { user: { type: 'string', default: LOCAL_USER_EMAIL }, name: { type: 'string' } },
  });
  if (command !== 'create' && command !== 'list' && command !== 'revoke') {
    throw new UsageError(
      command === undefined ? 'missing keys command' : `unknown keys command '${command}'`,
    );
  }
  if (command === 'create' && values.name === undefined) {
    throw new UsageError('todochat keys create needs --name, e.g. --name "Claude Desktop"');
  }
  if (command === 'revoke' && positionals.length !== 1) {
    throw new UsageError('todochat keys revoke needs the id of one key (see todochat keys list)');
  }
  const store = await openStore(storeOptionsFrom(config));
  try {
    const user = await ensureLocalUser(store, values.user);
    if (command === 'create') {
      const { apiKey, key } = await store.apiKeys.createApiKey(user.id, {
        name: values.name ?? '',
      });
      console.error(
        `API key '${apiKey.name}' for ${user.email} (id ${apiKey.id}). It is shown only now; keep it secret:`,
      );
      console.log(key);
    } else if (command === 'list') {
      const keys = await store.apiKeys.listApiKeys(user.id);
      if (keys.length === 0) console.log(`No API keys for ${user.email}.`);
      for (const key of keys) {
        const used = key.lastUsedAt?.toISOString() ?? 'never used';
        console.log(`${key.id}  ${key.hint}  ${used.padEnd(24)}  ${key.name}`);
      }
    } else {
      await store.apiKeys.revokeApiKey(user.id, positionals[0] ?? '');
      console.log(`Revoked API key ${positionals[0] ?? ''}.`);
    }
  } finally {
    await store.close();
  }
}
