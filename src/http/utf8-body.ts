import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.ts';
import type { AppEnv } from './app-env.ts';

// DELETE too: DELETE /api/me reads a password from its body.
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Whether a request sends a body the API reads, from its headers: asking the
 * request for its body stream makes the Node adapter build a whole fetch
 * Request, where reading the bytes goes straight to the socket's.
 */
export function hasBody(request: {
  readonly method: string;
  header(name: string): string | undefined;
}): boolean {
  return (
    BODY_METHODS.has(request.method) &&
    (Number(request.header('Content-Length') ?? '0') > 0 ||
      request.header('Transfer-Encoding') !== undefined)
  );
}

/**
 * Refuses a JSON body that is not valid UTF-8 with 400 malformed_request.
 * Request.json() would decode it leniently, turning each bad byte into
 * U+FFFD, and the text stored would silently differ from the text sent.
 * The text decoded here is what the route's validator parses as JSON (Hono
 * caches it), so the body is read from the socket and decoded once.
 */
export function requireUtf8Body(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    // A request built in process (app.request(), another runtime's fetch)
    // may carry a body with no Content-Length; one from Node's HTTP server
    // without that or Transfer-Encoding has none: only a body-less POST asks.
    const unsized =
      BODY_METHODS.has(c.req.method) &&
      c.req.header('Content-Length') === undefined &&
      c.req.raw.body !== null;
    if (hasBody(c.req) || unsized) {
      const bytes = await c.req.arrayBuffer();
      let text: string;
      try {
        text = strictUtf8.decode(bytes);
      } catch {
        throw new AppError('malformed_request', 'The request body is not valid UTF-8');
      }
      // Hono keeps promises in bodyCache, though its type names the values.
      (c.req.bodyCache as unknown as { text?: Promise<string> }).text = Promise.resolve(text);
    }
    await next();
  };
}
