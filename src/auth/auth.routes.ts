// Accounts: register, sign in, and who am I.
import { createRoute, z } from '@hono/zod-openapi';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { InvalidTokenError, UnauthorizedError } from '../errors.ts';
import type { AppEnv, AppRouter } from '../http/app-env.ts';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  jsonBody,
  jsonContent,
} from '../http/openapi.ts';
import { PASSWORD_MIN_LENGTH, type UserService } from '../users/user.service.ts';
import type { User } from '../users/user.ts';
import type { LoginThrottle } from './login-throttle.ts';
import type { TokenService } from './token.service.ts';
import { isoTime } from '../iso-time.ts';

export const UserSchema = z
  .object({
    id: z.uuid(),
    email: z.email(),
    time_zone: z.string().openapi({
      description: 'IANA time zone in which "today", "tomorrow" and "overdue" are read',
      example: 'Europe/Paris',
    }),
    created_at: z.iso.datetime(),
  })
  .openapi('User');

const SessionSchema = z
  .object({
    access_token: z.string(),
    token_type: z.literal('Bearer'),
    expires_at: z.iso.datetime(),
    user: UserSchema,
  })
  .openapi('Session');

const CredentialsSchema = z
  .object({
    email: z.string().openapi({ example: 'ada@example.com' }),
    password: z.string().openapi({
      example: 'correct horse battery staple',
      description: `At least ${PASSWORD_MIN_LENGTH} characters`,
    }),
  })
  .openapi('Credentials');

export function toUserJson(user: User): z.infer<typeof UserSchema> {
  return {
    id: user.id,
    email: user.email,
    time_zone: user.timeZone,
    created_at: isoTime(user.createdAt),
  };
}

const register = createRoute({
  method: 'post',
  path: '/api/auth/register',
  operationId: 'register',
  tags: ['accounts'],
  summary: 'Create an account and sign in',
  request: { body: jsonBody(CredentialsSchema) },
  responses: {
    201: jsonContent(SessionSchema, 'The new account and its access token'),
    ...errorResponses(
      'malformed_request',
      'conflict',
      'payload_too_large',
      'unsupported_media_type',
      'validation_failed',
    ),
  },
});

const login = createRoute({
  method: 'post',
  path: '/api/auth/login',
  operationId: 'login',
  tags: ['accounts'],
  summary: 'Sign in with email and password',
  request: { body: jsonBody(CredentialsSchema) },
  responses: {
    200: jsonContent(SessionSchema, 'An access token'),
    ...errorResponses(
      'malformed_request',
      'unauthorized',
      'unsupported_media_type',
      'validation_failed',
      'rate_limited',
    ),
  },
});

const me = createRoute({
  method: 'get',
  path: '/api/me',
  operationId: 'getCurrentUser',
  tags: ['accounts'],
  summary: 'The signed-in user',
  security: bearerSecurity,
  responses: {
    200: jsonContent(UserSchema, 'The caller'),
    ...errorResponses('unauthorized'),
  },
});

function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // In-process requests (tests) have no socket.
    return 'local';
  }
}

export function authRoutes(deps: {
  users: UserService;
  tokens: TokenService;
  throttle: LoginThrottle;
}): AppRouter {
  const { users, tokens, throttle } = deps;
  const session = async (user: User) => {
    const { token, expiresAt } = await tokens.issue(user.id);
    return {
      access_token: token,
      token_type: 'Bearer' as const,
      expires_at: isoTime(expiresAt),
      user: toUserJson(user),
    };
  };

  return createRouter()
    .openapi(register, async (c) => {
      const body = c.req.valid('json');
      const user = await users.createUser({ email: body.email, password: body.password });
      return c.json(await session(user), 201);
    })
    .openapi(login, async (c) => {
      const body = c.req.valid('json');
      const address = clientAddress(c);
      await throttle.admit(body.email, address);
      const user = await users.verifyCredentials(body.email, body.password);
      if (user === null) throw new UnauthorizedError('Wrong email or password');
      await throttle.succeed(body.email, address);
      return c.json(await session(user), 200);
    })
    .openapi(me, async (c) => {
      const user = await users.getUser(c.get('userId'));
      if (user === null) throw new InvalidTokenError('The account for this token no longer exists');
      return c.json(toUserJson(user), 200);
    });
}
