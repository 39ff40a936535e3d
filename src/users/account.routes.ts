// /api/me beyond reading it: setting the time zone, and deleting the account
// with everything in it.
import { createRoute, z } from '@hono/zod-openapi';
import { toUserJson, UserSchema } from '../auth/auth.routes.ts';
import type { AppRouter } from '../http/app-env.ts';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  jsonBody,
  jsonContent,
} from '../http/openapi.ts';
import { FRESH_SIGN_IN_SECONDS, type UserService } from './user.service.ts';

const tags = ['accounts'];

const updateMe = createRoute({
  method: 'patch',
  path: '/api/me',
  operationId: 'updateCurrentUser',
  tags,
  summary: 'Set the time zone "today" is read in',
  security: bearerSecurity,
  request: {
    body: jsonBody(
      z
        .object({
          time_zone: z.string().openapi({
            description: 'An IANA time zone name; the days of timed dues move with it',
            example: 'Europe/Paris',
          }),
        })
        .openapi('AccountChanges'),
    ),
  },
  responses: {
    200: jsonContent(UserSchema, 'The caller, changed'),
    ...errorResponses(
      'malformed_request',
      'unauthorized',
      'unsupported_media_type',
      'validation_failed',
    ),
  },
});

const deleteMe = createRoute({
  method: 'delete',
  path: '/api/me',
  operationId: 'deleteCurrentUser',
  tags,
  summary: 'Delete the account and everything in it',
  description: `Confirmed by the account's password. An account that signs in elsewhere has none: it is confirmed by a token issued in the last ${FRESH_SIGN_IN_SECONDS / 60} minutes.`,
  security: bearerSecurity,
  request: {
    body: jsonBody(z.object({ password: z.string().optional() }).openapi('AccountDeletion'), false),
  },
  responses: {
    204: { description: 'Deleted: the account, its tasks, conversations and messages' },
    ...errorResponses(
      'malformed_request',
      'unauthorized',
      'unsupported_media_type',
      'validation_failed',
    ),
  },
});

export function accountRoutes(users: UserService): AppRouter {
  return createRouter()
    .openapi(updateMe, async (c) => {
      const user = await users.setTimeZone(c.get('userId'), c.req.valid('json').time_zone);
      return c.json(toUserJson(user), 200);
    })
    .openapi(deleteMe, async (c) => {
      const body = c.req.valid('json') as { password?: string } | undefined;
      await users.deleteAccount(c.get('userId'), {
        password: body?.password,
        signedInAt: c.get('signedInAt'),
      });
      return c.body(null, 204);
    });
}
