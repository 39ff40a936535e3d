import { sql, type Selectable } from 'kysely';
import type { AuthTransaction, UserTransaction } from '../db/scope.ts';
import type { UserTable } from '../db/schema.ts';
import type { User } from './user.ts';

type UserRow = Selectable<UserTable>;

function toUser(
  row: Pick<UserRow, 'id' | 'email' | 'time_zone' | 'password_hash' | 'created_at' | 'updated_at'>,
): User {
  return {
    id: row.id,
    email: row.email,
    timeZone: row.time_zone,
    hasPassword: row.password_hash !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const columns = ['id', 'email', 'time_zone', 'password_hash', 'created_at', 'updated_at'] as const;

export async function insertUser(
  trx: AuthTransaction,
  values: { email: string; passwordHash: string | null },
): Promise<User> {
  const row = await trx
    .insertInto('users')
    .values({ email: values.email, password_hash: values.passwordHash })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toUser(row);
}

/** Inserts the user with a chosen id unless one exists; false when it already did. */
export async function insertUserWithId(
  trx: AuthTransaction,
  values: { id: string; email: string },
): Promise<boolean> {
  const result = await trx
    .insertInto('users')
    .values({ id: values.id, email: values.email, password_hash: null })
    .onConflict((conflict) => conflict.column('id').doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function findUserById(trx: AuthTransaction, id: string): Promise<User | null> {
  const row = await trx.selectFrom('users').select(columns).where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toUser(row);
}

/** Matches the email case-insensitively, through the users_email_key index. */
export async function findUserCredentialsByEmail(
  trx: AuthTransaction,
  email: string,
): Promise<{ user: User; passwordHash: string | null } | null> {
  const row = await trx
    .selectFrom('users')
    .select(columns)
    .where(sql`lower(email)`, '=', email.toLowerCase())
    .executeTakeFirst();
  return row === undefined ? null : { user: toUser(row), passwordHash: row.password_hash };
}

export async function deleteUserById(trx: AuthTransaction, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function findPasswordHashById(
  trx: AuthTransaction,
  id: string,
): Promise<string | null> {
  const row = await trx
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.password_hash ?? null;
}

/** The user's own row, read under their row-level security. */
export async function findTimeZone(trx: UserTransaction, id: string): Promise<string | null> {
  const row = await trx
    .selectFrom('users')
    .select('time_zone')
    .where('id', '=', id)
    .executeTakeFirst();
  return row?.time_zone ?? null;
}

export async function updateTimeZone(
  trx: UserTransaction,
  id: string,
  timeZone: string,
): Promise<User | null> {
  const row = await trx
    .updateTable('users')
    .set({ time_zone: timeZone })
    .where('id', '=', id)
    .returning(columns)
    .executeTakeFirst();
  return row === undefined ? null : toUser(row);
}
