// Shared pieces of the OpenAPI description: the error shape every route may
// answer with, the validation hook that turns a schema failure into our
// ValidationError, and the router factory that wires both in.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { ZodError } from 'zod';
import { ValidationError, type ErrorCode } from '../errors.ts';
import type { AppEnv, AppRouter } from './app-env.ts';
import { STATUS_BY_CODE } from './error-handler.ts';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation_failed' }),
      message: z
        .string()
        .openapi({ example: 'content: user messages may be at most 1000 characters' }),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .openapi('Error');

const DESCRIPTIONS: Partial<Record<ErrorCode, string>> = {
  malformed_request: 'The body is not valid JSON',
  unauthorized: 'No token, or an invalid or expired one',
  forbidden: 'Signed in with an API key, which may not do this; use a sign-in token',
  not_found: 'No such object for this user',
  conflict: 'Conflicts with existing data',
  payload_too_large: 'The body is larger than the limit',
  unsupported_media_type: 'The body is not application/json',
  validation_failed: 'A field breaks a rule; details.issues names each',
  rate_limited: 'Too many attempts; see Retry-After',
  database_unavailable: 'The database is unavailable; see Retry-After',
  internal_error: 'An unexpected error on our side, logged with the X-Request-Id',
};

/** OpenAPI responses for the given error codes, all in the one error shape. */
export function errorResponses(...codes: ErrorCode[]) {
  const responses: Record<
    number,
    { description: string; content: { 'application/json': { schema: typeof ErrorSchema } } }
  > = {};
  for (const code of [...codes, 'database_unavailable' as const]) {
    const status = STATUS_BY_CODE[code];
    const description = [responses[status]?.description, DESCRIPTIONS[code]]
      .filter((part) => part !== undefined)
      .join('; ');
    responses[status] = { description, content: { 'application/json': { schema: ErrorSchema } } };
  }
  return responses;
}

/**
 * The app-wide middleware (body limit, media type, sign-in, the error
 * handler) can answer any operation, so the statuses it sends are added here,
 * where the composition root mounts it, instead of in every route file.
 * A route's own description of a status wins.
 */
export function documentSharedResponses(
  registry: AppRouter['openAPIRegistry'],
  options: { publicPaths: ReadonlySet<string> },
): void {
  for (const definition of registry.definitions) {
    if (definition.type !== 'route') continue;
    const route = definition.route;
    const codes: ErrorCode[] = ['internal_error'];
    if (options.publicPaths.has(route.path)) {
      route.security = [];
    } else {
      codes.push('unauthorized');
    }
    if (route.request?.body !== undefined) {
      codes.push(
        'malformed_request',
        'payload_too_large',
        'unsupported_media_type',
        'validation_failed',
      );
    }
    if (route.request?.params !== undefined || route.request?.query !== undefined) {
      codes.push('validation_failed');
    }
    route.responses = { ...errorResponses(...codes), ...route.responses };
  }
}

export function jsonBody<T extends z.ZodType>(schema: T, required = true) {
  return { required, content: { 'application/json': { schema } } };
}

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } };
}

function toValidationError(error: ZodError): ValidationError {
  return new ValidationError(
    error.issues.map((issue) => ({
      field: issue.path.map(String).join('.') || 'body',
      message: issue.message,
    })),
  );
}

export function createRouter(): AppRouter {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw toValidationError(result.error);
    },
  });
}

export const bearerSecurity = [{ bearerAuth: [] }];
