// Domain errors. They know nothing of HTTP or MCP: each transport maps `code`
// to its own shape through one exhaustive table, so adding a code here breaks
// the build until every transport has decided what it means.

export type ErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'conflict'
  | 'store_locked'
  | 'database_unavailable'
  | 'migration_failed'
  // Raised at the edges (HTTP, MCP) rather than by the store.
  | 'unauthorized'
  | 'forbidden'
  | 'malformed_request'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal_error'
  // The chat model failed, or did not answer in time.
  | 'model_failed'
  | 'model_timeout';

export interface ValidationIssue {
  /** Dotted path of the offending input, e.g. `content` or `metadata.tags`. */
  field: string;
  /** What the input must satisfy, phrased so a caller knows how to fix it. */
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { details?: Record<string, unknown> | undefined; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options?.details;
  }
}

export class ValidationError extends AppError {
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], options?: { cause?: unknown }) {
    const first = issues[0];
    const message =
      first === undefined
        ? 'Invalid input'
        : issues.length === 1
          ? `${first.field}: ${first.message}`
          : `${first.field}: ${first.message} (and ${issues.length - 1} more)`;
    super('validation_failed', message, { details: { issues }, ...options });
    this.issues = issues;
  }

  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class NotFoundError extends AppError {
  /** `resource` is a noun such as `conversation`; it never says whose it is. */
  constructor(resource: string, options?: { cause?: unknown }) {
    super('not_found', `${resource} not found`, { details: { resource }, ...options });
  }
}

/** The unique keys a write can collide with, named for what they mean. */
export type Duplicate = 'email' | 'idempotency_key' | 'api_key_name';

export class ConflictError extends AppError {
  /** Which unique key was taken, when the database said so. */
  readonly duplicate: Duplicate | undefined;

  constructor(
    message: string,
    options?: { details?: Record<string, unknown>; cause?: unknown; duplicate?: Duplicate },
  ) {
    super('conflict', message, options);
    this.duplicate = options?.duplicate;
  }
}

export class StoreLockedError extends AppError {
  constructor(dataDir: string, holderPid: number | undefined) {
    super(
      'store_locked',
      `The data directory ${dataDir} is in use by another process` +
        (holderPid === undefined ? '' : ` (pid ${holderPid})`) +
        '. Stop that process, or point TODOCHAT_DATA_DIR at another directory.',
      { details: { dataDir, holderPid } },
    );
  }
}

export class DatabaseUnavailableError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('database_unavailable', message, options);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'Sign in first: send Authorization: Bearer <token>') {
    super('unauthorized', message);
  }
}

/** Signed in, but this way of signing in may not do this (an API key managing API keys). */
export class ForbiddenError extends AppError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** A bearer token was sent but cannot be used: malformed, forged, expired, or its user is gone. */
export class InvalidTokenError extends UnauthorizedError {}

export class RateLimitedError extends AppError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', message, { details: { retryAfterSeconds } });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** The chat model failed (`model_failed`) or ran out of time (`model_timeout`). */
export class ModelError extends AppError {
  declare readonly code: 'model_failed' | 'model_timeout';
}
