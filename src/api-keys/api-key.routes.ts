// /api/me/api-keys: the caller's API keys. The key itself is in the creation
// response only; listings show its name, hint and when it was last used.
import { createRoute, z } from '@hono/zod-openapi';
import { ForbiddenError } from '../errors.ts';
import type { AppRouter } from '../http/app-env.ts';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  jsonBody,
  jsonContent,
} from '../http/openapi.ts';
import { API_KEY_NAME_MAX, type ApiKey } from './api-key.ts';
import type { ApiKeyService } from './api-key.service.ts';
import { isoTime, optionalIsoTime } from '../iso-time.ts';

const ApiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    hint: z.string().openapi({ example: 'tck_…x7Qa', description: "The key's last characters" }),
    created_at: z.iso.datetime(),
    last_used_at: z.iso.datetime().nullable().openapi({
      description: 'When the key last signed a request in, to the minute; null if never',
    }),
  })
  .openapi('ApiKey');

const CreatedApiKeySchema = ApiKeySchema.extend({
  key: z.string().openapi({
    description: 'The key, to send as `Authorization: Bearer <key>`. Shown only in this response.',
  }),
}).openapi('CreatedApiKey');

const IdParams = z.object({
  id: z.guid({ error: 'must be an API key id (a UUID)' }).openapi({
    param: { name: 'id', in: 'path' },
    description: "The API key's id",
  }),
});

function toApiKeyJson(apiKey: ApiKey): z.infer<typeof ApiKeySchema> {
  return {
    id: apiKey.id,
    name: apiKey.name,
    hint: apiKey.hint,
    created_at: isoTime(apiKey.createdAt),
    last_used_at: optionalIsoTime(apiKey.lastUsedAt),
  };
}

const tags = ['api keys'];

const createApiKey = createRoute({
  method: 'post',
  path: '/api/me/api-keys',
  operationId: 'createApiKey',
  tags,
  summary: 'Create an API key for an MCP client or a script',
  security: bearerSecurity,
  request: {
    body: jsonBody(
      z
        .object({
          name: z.string().openapi({
            example: 'Claude Desktop',
            description: `1 to ${API_KEY_NAME_MAX} characters, unique among your keys`,
          }),
        })
        .openapi('NewApiKey'),
    ),
  },
  responses: {
    201: jsonContent(CreatedApiKeySchema, 'The new key, shown this once'),
    ...errorResponses('forbidden', 'conflict', 'validation_failed'),
  },
});

const listApiKeys = createRoute({
  method: 'get',
  path: '/api/me/api-keys',
  operationId: 'listApiKeys',
  tags,
  summary: 'Your API keys, oldest first (without the keys themselves)',
  security: bearerSecurity,
  responses: {
    200: jsonContent(z.object({ keys: z.array(ApiKeySchema) }).openapi('ApiKeyList'), 'The keys'),
  },
});

const revokeApiKey = createRoute({
  method: 'delete',
  path: '/api/me/api-keys/{id}',
  operationId: 'revokeApiKey',
  tags,
  summary: 'Revoke an API key: requests it signs are refused from now on',
  security: bearerSecurity,
  request: { params: IdParams },
  responses: {
    204: { description: 'Revoked' },
    ...errorResponses('not_found', 'validation_failed'),
  },
});

export function apiKeyRoutes(apiKeys: ApiKeyService): AppRouter {
  return createRouter()
    .openapi(createApiKey, async (c) => {
      // A key that leaked must not be able to mint others that outlive its
      // revocation: only a sign-in (a password or an outside sign-in) may.
      if (c.get('credential') === 'api_key') {
        throw new ForbiddenError(
          'An API key cannot create API keys: sign in (POST /api/auth/login) and create it with that token',
        );
      }
      const { apiKey, key } = await apiKeys.createApiKey(c.get('userId'), c.req.valid('json'));
      return c.json({ ...toApiKeyJson(apiKey), key }, 201);
    })
    .openapi(listApiKeys, async (c) => {
      const list = await apiKeys.listApiKeys(c.get('userId'));
      return c.json({ keys: list.map(toApiKeyJson) }, 200);
    })
    .openapi(revokeApiKey, async (c) => {
      await apiKeys.revokeApiKey(c.get('userId'), c.req.valid('param').id);
      return c.body(null, 204);
    });
}
