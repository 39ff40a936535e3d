// Access tokens. This server signs its own (HS256, issuer "todochat") for the
// accounts it keeps; it can also accept tokens from another sign-in service,
// verified by that service's key set (JWKS URL) or a shared secret, taking
// the user from a configured claim.
import {
  SignJWT,
  createRemoteJWKSet,
  decodeJwt,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { webcrypto } from 'node:crypto';
import type { ExternalAuthConfig } from '../config.ts';
import { InvalidTokenError } from '../errors.ts';

const ISSUER = 'todochat';
const AUDIENCE = 'todochat-api';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

export type VerifiedToken = (
  | { kind: 'local'; userId: string }
  | { kind: 'external'; issuer: string; subject: string; email: string | undefined }
) & {
  /** From the token's `iat`, when it has one: how fresh the sign-in is. */
  issuedAt: Date | undefined;
};

// A secret is imported as a CryptoKey once: given the raw bytes, jose imports
// them again on every sign and verify, which was half of verifying a token.
function hmacKey(secret: string): Promise<CryptoKey> {
  const key = webcrypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  // A secret it refuses (an empty one) fails the first sign or verify that
  // awaits it, as jose did, rather than as an unhandled rejection here.
  key.catch(() => {});
  return key;
}

// A client sends the same token with every request, and checking it is an
// HMAC by WebCrypto, which Node runs as an asynchronous job: most of what
// verifying cost. The outcome for this server's own tokens is kept for the
// exact token string (the same bytes verify the same way), and the expiry is
// still checked on every use. Bounded: the oldest entry goes first.
const VERIFIED_KEPT = 1024;

interface KeptVerification {
  readonly token: VerifiedToken;
  /** Epoch ms from which the token is expired, as jose's check reads `exp`. */
  readonly expiresAt: number;
}

export class TokenService {
  readonly #secret: Promise<CryptoKey>;
  readonly #verified = new Map<string, KeptVerification>();
  readonly #ttlSeconds: number;
  readonly #external: ExternalAuthConfig | undefined;
  readonly #externalKey: Promise<CryptoKey> | JWTVerifyGetKey | undefined;

  constructor(options: {
    secret: string;
    ttlSeconds: number;
    external?: ExternalAuthConfig | undefined;
  }) {
    this.#secret = hmacKey(options.secret);
    this.#ttlSeconds = options.ttlSeconds;
    this.#external = options.external;
    const external = options.external;
    this.#externalKey =
      external?.jwksUrl !== undefined
        ? createRemoteJWKSet(new URL(external.jwksUrl))
        : external?.secret !== undefined
          ? hmacKey(external.secret)
          : undefined;
  }

  async issue(userId: string): Promise<IssuedToken> {
    const expiresAt = new Date((Math.floor(Date.now() / 1000) + this.#ttlSeconds) * 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(expiresAt)
      .sign(await this.#secret);
    return { token, expiresAt };
  }

  async verify(token: string): Promise<VerifiedToken> {
    const kept = this.#verified.get(token);
    if (kept !== undefined) {
      if (Date.now() < kept.expiresAt) return kept.token;
      // Verified again below, for jose's own "expired" answer.
      this.#verified.delete(token);
    }
    let issuer: string | undefined;
    try {
      issuer = decodeJwt(token).iss;
    } catch {
      throw new InvalidTokenError('The access token is malformed; sign in again');
    }
    if (issuer === ISSUER) return this.#verifyLocal(token);
    if (this.#external !== undefined && this.#externalKey !== undefined) {
      return this.#verifyExternal(token, this.#external, this.#externalKey);
    }
    throw new InvalidTokenError('The access token was not issued by this server; sign in again');
  }

  async #verifyLocal(token: string): Promise<VerifiedToken> {
    const secret = await this.#secret;
    const payload = await verified(() =>
      jwtVerify(token, secret, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
      }),
    );
    if (typeof payload.sub !== 'string' || !UUID.test(payload.sub)) {
      throw new InvalidTokenError('The access token names no user; sign in again');
    }
    const result: VerifiedToken = {
      kind: 'local',
      userId: payload.sub,
      issuedAt: issuedAt(payload),
    };
    if (this.#verified.size >= VERIFIED_KEPT) {
      const oldest = this.#verified.keys().next();
      if (oldest.done !== true) this.#verified.delete(oldest.value);
    }
    this.#verified.set(token, {
      token: result,
      expiresAt: payload.exp === undefined ? Number.POSITIVE_INFINITY : payload.exp * 1000,
    });
    return result;
  }

  async #verifyExternal(
    token: string,
    config: ExternalAuthConfig,
    key: Promise<CryptoKey> | JWTVerifyGetKey,
  ): Promise<VerifiedToken> {
    const options = {
      ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
      ...(config.audience === undefined ? {} : { audience: config.audience }),
    };
    const payload = await verified(async () =>
      key instanceof Promise
        ? jwtVerify(token, await key, options)
        : jwtVerify(token, key, options),
    );
    const subject = payload[config.userIdClaim];
    if (typeof subject !== 'string' || subject === '') {
      throw new InvalidTokenError(`The access token has no '${config.userIdClaim}' claim`);
    }
    const email = payload[config.emailClaim];
    return {
      kind: 'external',
      issuer: payload.iss ?? '',
      subject,
      email: typeof email === 'string' ? email : undefined,
      issuedAt: issuedAt(payload),
    };
  }
}

function issuedAt(payload: JWTPayload): Date | undefined {
  return typeof payload.iat === 'number' ? new Date(payload.iat * 1000) : undefined;
}

async function verified(check: () => Promise<{ payload: JWTPayload }>): Promise<JWTPayload> {
  try {
    return (await check()).payload;
  } catch (error) {
    const expired = (error as { code?: unknown }).code === 'ERR_JWT_EXPIRED';
    throw new InvalidTokenError(
      expired
        ? 'The access token has expired; sign in again'
        : 'The access token is invalid; sign in again',
    );
  }
}
