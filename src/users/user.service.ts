// Accounts: sign-up, look-up, password check, deletion. Runs as the auth
// role, which may touch the users table and nothing else; deleting a user
// removes their tasks, conversations and messages by ON DELETE CASCADE.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ConflictError } from '../errors.ts';
import { asAuth, isUniqueViolation } from '../db/scope.ts';
import type { Database } from '../db/schema.ts';
import { id, parse, text } from '../validation.ts';
import { decoyPasswordHash, hashPassword, verifyPassword } from './password.ts';
import * as users from './user.repository.ts';
import type { NewUser, User } from './user.ts';

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;

const email = text({ min: 3, max: 320, trim: true }).pipe(
  z.email({ error: 'must be an email address such as ada@example.com' }),
);
const password = text({ min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH });

const newUserSchema = z.object({ email, password: password.optional() });
const identitySchema = z.object({
  issuer: text({ max: 2000 }),
  subject: text({ min: 1, max: 500 }),
});

export interface ExternalIdentity {
  /** The other service's `iss`; '' when its tokens carry none. */
  issuer: string;
  subject: string;
  email: string | undefined;
}

/** Rolls back a user row made for an identity another call linked first. */
class IdentityLinkedMeanwhile extends Error {}
const credentialsSchema = z.object({ email, password: z.string() });

export class UserService {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async createUser(input: NewUser): Promise<User> {
    const values = parse(newUserSchema, input);
    const passwordHash = values.password === undefined ? null : await hashPassword(values.password);
    try {
      return await asAuth(this.#db, (trx) =>
        users.insertUser(trx, { email: values.email, passwordHash }),
      );
    } catch (error) {
      if (isUniqueViolation(error, 'users_email_key')) {
        throw new ConflictError('An account with that email already exists', {
          details: { field: 'email' },
          cause: error,
        });
      }
      throw error;
    }
  }

  /**
   * The user someone who signs in elsewhere acts as: the one linked to their
   * (issuer, subject), created with a fresh id on first sight. The subject
   * never names a local account, whatever it looks like. Their email is kept
   * when it is free; a placeholder stands in when another account already
   * holds it (or none was given).
   */
  async ensureExternalUser(input: ExternalIdentity): Promise<User> {
    const identity = parse(identitySchema, input);
    const existing = await asAuth(this.#db, (trx) => users.findUserByIdentity(trx, identity));
    if (existing !== null) return existing;
    const userId = randomUUID();
    const placeholder = `${userId}@external.invalid`;
    const given = email.safeParse(input.email);
    for (const address of given.success ? [given.data, placeholder] : [placeholder]) {
      try {
        const created = await asAuth(this.#db, async (trx) => {
          const user = await users.insertUserWithId(trx, { id: userId, email: address });
          if (!(await users.insertIdentity(trx, { ...identity, userId }))) {
            throw new IdentityLinkedMeanwhile();
          }
          return user;
        });
        return created;
      } catch (error) {
        if (error instanceof IdentityLinkedMeanwhile) break;
        if (!isUniqueViolation(error, 'users_email_key') || address === placeholder) throw error;
      }
    }
    // A concurrent first sight linked it (and our user row was rolled back).
    const linked = await asAuth(this.#db, (trx) => users.findUserByIdentity(trx, identity));
    if (linked === null) throw new Error('an outside identity vanished right after being linked');
    return linked;
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
