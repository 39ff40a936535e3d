import type { Selectable } from 'kysely';
import type { AuthTransaction } from '../db/scope.ts';
import type { UserTable } from '../db/schema.ts';
import type { User } from './user.ts';

type UserRow = Selectable<UserTable>;

function toUser(row: Pick<UserRow, 'id' | 'email' | 'created_at' | 'updated_at'>): User {
  return { id: row.id, email: row.email, createdAt: row.created_at, updatedAt: row.updated_at };
}

const columns = ['id', 'email', 'created_at', 'updated_at'] as const;

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

export async function insertUserWithId(
  trx: AuthTransaction,
  values: { id: string; email: string },
): Promise<User> {
  const row = await trx
    .insertInto('users')
    .values({ id: values.id, email: values.email, password_hash: null })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return toUser(row);
}

export async function findUserByIdentity(
  trx: AuthTransaction,
  identity: { issuer: string; subject: string },
): Promise<User | null> {
  const row = await trx
    .selectFrom('identities')
    .innerJoin('users', 'users.id', 'identities.user_id')
    .select(['users.id', 'users.email', 'users.created_at', 'users.updated_at'])
    .where('identities.issuer', '=', identity.issuer)
    .where('identities.subject', '=', identity.subject)
    .executeTakeFirst();
  return row === undefined ? null : toUser(row);
}

/** Links the identity to the user; false when another call linked it first. */
export async function insertIdentity(
  trx: AuthTransaction,
  values: { issuer: string; subject: string; userId: string },
): Promise<boolean> {
  const result = await trx
    .insertInto('identities')
    .values({ issuer: values.issuer, subject: values.subject, user_id: values.userId })
    .onConflict((conflict) => conflict.columns(['issuer', 'subject']).doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

export async function findUserById(trx: AuthTransaction, id: string): Promise<User | null> {
  const row = await trx.selectFrom('users').select(columns).where('id', '=', id).executeTakeFirst();
  return row === undefined ? null : toUser(row);
}

/** Matches the email case-insensitively, through the users_email_key index on email_lower. */
export async function findUserCredentialsByEmail(
  trx: AuthTransaction,
  email: string,
): Promise<{ user: User; passwordHash: string | null } | null> {
  const row = await trx
    .selectFrom('users')
    .select([...columns, 'password_hash'])
    .where('email_lower', '=', email.toLowerCase())
    .executeTakeFirst();
  return row === undefined ? null : { user: toUser(row), passwordHash: row.password_hash };
}

export async function deleteUserById(trx: AuthTransaction, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
