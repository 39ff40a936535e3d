import type { Selectable } from 'kysely';
import type { UserTransaction } from '../db/scope.ts';
import type { ApiKeyTable } from '../db/schema.ts';
import type { ApiKey } from './api-key.ts';

type ApiKeyRow = Selectable<ApiKeyTable>;

const columns = ['id', 'name', 'hint', 'created_at', 'last_used_at'] as const;

function toApiKey(row: Pick<ApiKeyRow, (typeof columns)[number]>): ApiKey {
  return {
    id: row.id,
    name: row.name,
    hint: row.hint,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
  };
}

export async function insertApiKey(
  trx: UserTransaction,
  userId: string,
  values: { name: string; keyHash: string; hint: string },
): Promise<ApiKey> {
  const row = await trx
    .insertInto('api_keys')
    .values({ user_id: userId, name: values.name, key_hash: values.keyHash, hint: values.hint })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toApiKey(row);
}

export async function findApiKeysByUser(trx: UserTransaction, userId: string): Promise<ApiKey[]> {
  const rows = await trx
    .selectFrom('api_keys')
    .select(columns)
    .where('user_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toApiKey);
}

export async function findApiKeyByHash(
  trx: UserTransaction,
  userId: string,
  keyHash: string,
): Promise<ApiKey | null> {
  const row = await trx
    .selectFrom('api_keys')
    .select(columns)
    .where('user_id', '=', userId)
    .where('key_hash', '=', keyHash)
    .executeTakeFirst();
  return row === undefined ? null : toApiKey(row);
}

export async function touchApiKey(
  trx: UserTransaction,
  userId: string,
  id: string,
  at: Date,
): Promise<void> {
  await trx
    .updateTable('api_keys')
    .set({ last_used_at: at })
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .execute();
}

export async function deleteApiKey(
  trx: UserTransaction,
  userId: string,
  id: string,
): Promise<boolean> {
  const result = await trx
    .deleteFrom('api_keys')
    .where('user_id', '=', userId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
