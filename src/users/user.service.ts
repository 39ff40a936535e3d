// Accounts: sign-up, look-up, password check, deletion. Runs as the auth
// role, which may touch the users table and nothing else; deleting a user
// removes their tasks, conversations and messages by ON DELETE CASCADE.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ConflictError } from '../errors.ts';
import { asAuth } from '../db/scope.ts';
import type { Database } from '../db/schema.ts';
import { id, parse, text } from '../validation.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password.ts';
import * as users from './user.repository.ts';
import { EMAIL_MAX_LENGTH, EMAIL_MIN_LENGTH, type NewUser, type User } from './user.ts';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

const email = text({ min: EMAIL_MIN_LENGTH, max: EMAIL_MAX_LENGTH, trim: true }).pipe(
  z.email({ error: 'must be an email address such as ada@example.com' }),
);
const password = text({ min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH });

const newUserSchema = z.object({ email, password: password.optional() });
const credentialsSchema = z.object({ email, password: z.string() });

export class UserService {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async createUser(input: NewUser): Promise<User> {
    const values = parse(newUserSchema, input);
    const passwordHash = values.password === undefined ? null : await hashPassword(values.password);
    // A taken email is a ConflictError (duplicate: 'email') from the database layer.
    return asAuth(this.#db, (trx) => users.insertUser(trx, { email: values.email, passwordHash }));
  }

  /**
   * The user row for someone who signs in elsewhere, created on first sight.
   * Their email is kept when it is free; a placeholder stands in when another
   * account already holds it (or none was given).
   */
  async ensureExternalUser(input: { id: string; email: string | undefined }): Promise<User> {
    const userId = parse(id, input.id, 'userId');
    const existing = await this.getUser(userId);
    if (existing !== null) return existing;
    const placeholder = `${userId}@external.invalid`;
    const given = email.safeParse(input.email);
    for (const address of given.success ? [given.data, placeholder] : [placeholder]) {
      try {
        await asAuth(this.#db, (trx) =>
          users.insertUserWithId(trx, { id: userId, email: address }),
        );
        break;
      } catch (error) {
        const emailTaken = error instanceof ConflictError && error.duplicate === 'email';
        if (!emailTaken || address === placeholder) throw error;
      }
    }
    const created = await this.getUser(userId);
    if (created === null) throw new Error(`user ${userId} vanished right after being created`);
    return created;
  }

  async getUser(userId: string): Promise<User | null> {
    const valid = parse(id, userId, 'userId');
    return asAuth(this.#db, (trx) => users.findUserById(trx, valid));
  }

  async findUserByEmail(address: string): Promise<User | null> {
    const valid = parse(email, address, 'email');
    const found = await asAuth(this.#db, (trx) => users.findUserCredentialsByEmail(trx, valid));
    return found?.user ?? null;
  }

  /** The user whose email and password these are, or null; never says which was wrong. */
  async verifyCredentials(address: string, candidate: string): Promise<User | null> {
    const values = credentialsSchema.safeParse({ email: address, password: candidate });
    const found = values.success
      ? await asAuth(this.#db, (trx) => users.findUserCredentialsByEmail(trx, values.data.email))
      : null;
    const hash = found?.passwordHash ?? (await decoyPasswordHash());
    const matches = await verifyPassword(hash, candidate);
    return matches && found?.passwordHash != null ? found.user : null;
  }

  async deleteUser(userId: string): Promise<boolean> {
    const valid = parse(id, userId, 'userId');
    return asAuth(this.#db, (trx) => users.deleteUserById(trx, valid));
  }
}
