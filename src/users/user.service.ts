// Accounts: sign-up, look-up, password check, deletion. Runs as the auth
// role, which may touch the users table and nothing else; deleting a user
// removes their tasks, conversations and messages by ON DELETE CASCADE.
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ConflictError, NotFoundError, UnauthorizedError, ValidationError } from '../errors.ts';
import { asAuth, asUser, confirmUserExists, requiringUser } from '../db/scope.ts';
import type { Database } from '../db/schema.ts';
import { calendarDate, canonicalTimeZone } from '../tasks/due.ts';
import { findTimedDues, updateDueDates } from '../tasks/task.repository.ts';
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

/** How recent an outside sign-in must be to confirm deleting the account. */
export const FRESH_SIGN_IN_SECONDS = 5 * 60;

const timeZone = z
  .string({ error: 'must be an IANA time zone name such as Europe/Paris' })
  .transform((name, ctx) => {
    const canonical = canonicalTimeZone(name.trim());
    if (canonical === null) {
      ctx.addIssue({
        code: 'custom',
        message: `must be an IANA time zone name such as Europe/Paris or America/New_York (got "${name.slice(0, 64)}")`,
      });
      return z.NEVER;
    }
    return canonical;
  });

/** What confirms deleting an account: its password, or a sign-in elsewhere moments ago. */
export interface DeletionProof {
  password?: string | undefined;
  /** When the caller's outside token was issued. */
  signedInAt?: Date | undefined;
}

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
    // A taken email is a ConflictError (duplicate: 'email') from the database layer.
    return asAuth(this.#db, (trx) => users.insertUser(trx, { email: values.email, passwordHash }));
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
        const emailTaken = error instanceof ConflictError && error.duplicate === 'email';
        if (!emailTaken || address === placeholder) throw error;
      }
    }
    // A concurrent first sight linked it (and our user row was rolled back).
    const linked = await asAuth(this.#db, (trx) => users.findUserByIdentity(trx, identity));
    if (linked === null) throw new Error('an outside identity vanished right after being linked');
    return linked;
  }

  /**
   * Runs `work` (a request whose token names `userId`) so that its first
   * transaction as the user also checks the user's row, in the same round
   * trip. Returns whether anything checked; if not, the caller must.
   */
  whileUnchecked(userId: string, work: () => Promise<void>): Promise<boolean> {
    return requiringUser(this.#db, userId, work);
  }

  async getUser(userId: string): Promise<User | null> {
    const valid = parse(id, userId, 'userId');
    const user = await asAuth(this.#db, (trx) => users.findUserById(trx, valid));
    if (user !== null) confirmUserExists(this.#db, valid);
    return user;
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

  /**
   * Sets the zone "today" is read in. A timed due's day depends on the zone,
   * so those days are re-derived in the same transaction.
   */
  async setTimeZone(userId: string, zone: string): Promise<User> {
    const user = parse(id, userId, 'userId');
    const canonical = parse(timeZone, zone, 'time_zone');
    const updated = await asUser(this.#db, user, async (trx) => {
      const changed = await users.updateTimeZone(trx, user, canonical);
      const timed = await findTimedDues(trx, user);
      await updateDueDates(
        trx,
        user,
        timed.map((due) => ({ id: due.id, date: calendarDate(due.dueAt, canonical) })),
      );
      return changed;
    });
    if (updated === null) throw new NotFoundError('user');
    return updated;
  }

  /**
   * Deletes the account and, by cascade, everything in it. An account with a
   * password is confirmed by it; one that signs in elsewhere, by a token
   * issued in the last few minutes.
   */
  async deleteAccount(userId: string, proof: DeletionProof, now = new Date()): Promise<void> {
    const user = parse(id, userId, 'userId');
    const passwordHash = await asAuth(this.#db, (trx) => users.findPasswordHashById(trx, user));
    if (passwordHash !== null) {
      if (proof.password === undefined || proof.password === '') {
        throw ValidationError.field('password', 'give the account password to confirm deletion');
      }
      if (!(await verifyPassword(passwordHash, proof.password))) {
        throw ValidationError.field(
          'password',
          "is not this account's password; nothing was deleted",
        );
      }
    } else {
      const age =
        proof.signedInAt === undefined
          ? Infinity
          : (now.getTime() - proof.signedInAt.getTime()) / 1000;
      if (age > FRESH_SIGN_IN_SECONDS) {
        throw new UnauthorizedError(
          `Sign in again and delete within ${FRESH_SIGN_IN_SECONDS / 60} minutes: this account has no password to confirm with`,
        );
      }
    }
    if (!(await this.deleteUser(user))) throw new NotFoundError('user');
    confirmUserExists(this.#db, user);
  }
}
