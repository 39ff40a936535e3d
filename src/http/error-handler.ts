// The one place where errors become HTTP responses. Every ErrorCode has a
// status here (the Record is exhaustive: a new code does not compile until it
// is mapped), every response has the same shape, and anything that is not an
// AppError is our bug: logged with its cause, answered with a bare 500.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  AppError,
  InvalidTokenError,
  RateLimitedError,
  ValidationError,
  type ErrorCode,
} from '../errors.ts';
import type { AppEnv } from './app-env.ts';

export const STATUS_BY_CODE: Readonly<Record<ErrorCode, ContentfulStatusCode>> = {
  malformed_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  rate_limited: 429,
  internal_error: 500,
  migration_failed: 500,
  model_failed: 502,
  model_timeout: 504,
  store_locked: 503,
  database_unavailable: 503,
};

const RETRY_AFTER_UNAVAILABLE_SECONDS = 5;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** `idempotencyKey` → `idempotency_key`: the API's JSON is snake_case throughout. */
function snakeCase(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

function fromHttpException(error: HTTPException): AppError {
  switch (error.status) {
    case 413:
      return new AppError('payload_too_large', 'The request body is too large');
    case 415:
      return new AppError('unsupported_media_type', 'Send the body as application/json');
    case 401:
      return new AppError('unauthorized', error.message || 'Sign in first');
    case 404:
      return new AppError('not_found', 'Not found');
    default:
      return new AppError(
        'malformed_request',
        error.message.includes('JSON')
          ? 'The request body is not valid JSON'
          : error.message || 'Bad request',
      );
  }
}

function publicDetails(error: AppError): Record<string, unknown> | undefined {
  if (error instanceof ValidationError) {
    return { issues: error.issues.map((issue) => ({ ...issue, field: snakeCase(issue.field) })) };
  }
  if (
    ['not_found', 'conflict', 'rate_limited', 'model_failed', 'model_timeout'].includes(error.code)
  ) {
    return error.details;
  }
  // Other details (a data directory path, a pid) are for our logs, not for clients.
  return undefined;
}

export interface DescribedError {
  status: ContentfulStatusCode;
  body: ErrorBody;
  headers: Record<string, string>;
}

/** What the client is told about `thrown`; logs what it is not told. */
export function describeError(c: Context<AppEnv>, thrown: unknown): DescribedError {
  const error =
    thrown instanceof AppError
      ? thrown
      : thrown instanceof HTTPException
        ? fromHttpException(thrown)
        : undefined;
  const logger = c.get('logger');
  if (error === undefined) {
    logger.error({ err: thrown }, 'unhandled error');
    return {
      status: 500,
      headers: {},
      body: {
        error: {
          code: 'internal_error',
          message: `Something went wrong on our side; the request id is ${c.get('requestId')}`,
        },
      },
    };
  }
  const status = STATUS_BY_CODE[error.code];
  if (status >= 500) logger.error({ err: error, cause: error.cause }, error.message);
  const headers: Record<string, string> = {};
  if (error instanceof RateLimitedError) headers['Retry-After'] = String(error.retryAfterSeconds);
  if (status === 503) headers['Retry-After'] = String(RETRY_AFTER_UNAVAILABLE_SECONDS);
  // RFC 6750: a 401 says how to authenticate. MCP clients read a bare 401 as
  // the start of an OAuth flow; this tells them a bearer token is what is missing.
  if (status === 401) {
    headers['WWW-Authenticate'] =
      error instanceof InvalidTokenError
        ? 'Bearer realm="todochat", error="invalid_token"'
        : 'Bearer realm="todochat"';
  }
  const message =
    error.code === 'migration_failed'
      ? `The database schema could not be brought up to date; the request id is ${c.get('requestId')}`
      : error.message;
  const details = publicDetails(error);
  return {
    status,
    headers,
    body: { error: { code: error.code, message, ...(details === undefined ? {} : { details }) } },
  };
}

export function errorResponse(c: Context<AppEnv>, thrown: unknown): Response {
  const { status, body, headers } = describeError(c, thrown);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return c.json<ErrorBody>(body, status);
}
