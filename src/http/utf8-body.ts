import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import type { AppEnv } from './app-env.ts';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Refuses a JSON body that is not valid UTF-8 with 400 malformed_request.
 * Request.json() would decode it leniently, turning each bad byte into
 * U+FFFD, and the text stored would silently differ from the text sent.
 * Hono caches the bytes read here, so the route's validator reads them
 * again from memory, not from the socket.
 */
export function requireUtf8Body(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (BODY_METHODS.has(c.req.method) && c.req.raw.body !== null) {
      const bytes = await c.req.arrayBuffer();
      try {
        strictUtf8.decode(bytes);
      } catch {
        throw new AppError('malformed_request', 'The request body is not valid UTF-8');
      }
    }
    await next();
  };
}
