import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';

/** What middleware leaves on the context for the handlers after it. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    /** Set by requireUser: the verified caller, never taken from the request body or path. */
    userId: string;
    /** When the caller's token was issued, if it says: confirms deleting an account. */
    signedInAt: Date | undefined;
    /** How the caller signed in: an API key may use the API but not manage keys. */
    credential: 'token' | 'api_key';
  };
}

export type AppRouter = OpenAPIHono<AppEnv>;
