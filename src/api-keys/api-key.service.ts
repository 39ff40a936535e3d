// API keys: create (the key is returned once), list, revoke, and check one
// that signs a request. Keys are 256-bit random secrets, so a plain SHA-256
// is the right hash: a slow password hash would only slow every request.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { ConflictError, NotFoundError, UnauthorizedError } from '../errors.ts';
import { asUser, isUniqueViolation } from '../db/scope.ts';
import type { Database } from '../db/schema.ts';
import { id, parse, text } from '../validation.ts';
import * as keys from './api-key.repository.ts';
import { API_KEY_NAME_MAX, API_KEY_PREFIX, type ApiKey, type CreatedApiKey } from './api-key.ts';

const USER_PART_LENGTH = 22;
const SECRET_BYTES = 32;
const SECRET_LENGTH = 43;
const KEY_PATTERN = new RegExp(
  `^${API_KEY_PREFIX}([A-Za-z0-9_-]{${USER_PART_LENGTH}})[A-Za-z0-9_-]{${SECRET_LENGTH}}$`,
);
/** last_used_at is kept to the minute, so a busy key does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

const newKeySchema = z.object({ name: text({ min: 1, max: API_KEY_NAME_MAX, trim: true }) });

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function userPart(userId: string): string {
  return Buffer.from(userId.replaceAll('-', ''), 'hex').toString('base64url');
}

function userIdFromPart(part: string): string {
  const hex = Buffer.from(part, 'base64url').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** True when `token` has the shape of an API key rather than a sign-in token. */
export function isApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}

export class ApiKeyService {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async createApiKey(userId: string, input: { name: string }): Promise<CreatedApiKey> {
    const user = parse(id, userId, 'userId');
    const { name } = parse(newKeySchema, input);
    const key = `${API_KEY_PREFIX}${userPart(user)}${randomBytes(SECRET_BYTES).toString('base64url')}`;
    try {
      const apiKey = await asUser(this.#db, user, (trx) =>
        keys.insertApiKey(trx, user, {
          name,
          keyHash: hashKey(key),
          hint: `${API_KEY_PREFIX}…${key.slice(-4)}`,
        }),
      );
      return { apiKey, key };
    } catch (error) {
      if (isUniqueViolation(error, 'api_keys_name_key')) {
        throw new ConflictError(
          `You already have an API key named '${name}'; choose another name`,
          {
            details: { field: 'name' },
            cause: error,
          },
        );
      }
      throw error;
    }
  }

  async listApiKeys(userId: string): Promise<ApiKey[]> {
    const user = parse(id, userId, 'userId');
    return asUser(this.#db, user, (trx) => keys.findApiKeysByUser(trx, user));
  }

  /** Revokes the key at once: the next request it signs is refused. */
  async revokeApiKey(userId: string, keyId: string): Promise<void> {
    const user = parse(id, userId, 'userId');
    const key = parse(id, keyId, 'id');
    const deleted = await asUser(this.#db, user, (trx) => keys.deleteApiKey(trx, user, key));
    if (!deleted) throw new NotFoundError('API key');
  }

  /** The id of the user a valid key belongs to; UnauthorizedError for anything else. */
  async authenticate(token: string): Promise<string> {
    const match = KEY_PATTERN.exec(token);
    if (match?.[1] === undefined) {
      throw new UnauthorizedError('The API key is malformed; copy it again as it was shown');
    }
    const user = userIdFromPart(match[1]);
    const found = await asUser(this.#db, user, async (trx) => {
      const apiKey = await keys.findApiKeyByHash(trx, user, hashKey(token));
      const now = new Date();
      if (
        apiKey !== null &&
        (apiKey.lastUsedAt === null ||
          now.getTime() - apiKey.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS)
      ) {
        await keys.touchApiKey(trx, user, apiKey.id, now);
      }
      return apiKey !== null;
    });
    if (!found) {
      throw new UnauthorizedError(
        'The API key is not valid: it may have been revoked. Create a new one.',
      );
    }
    return user;
  }
}
