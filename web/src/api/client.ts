// The page's only way out: the todochat API on this origin, typed by the
// server's own OpenAPI document (openapi.d.ts, generated), with the session's
// token, turning every failure into words a person can act on.
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './openapi.d.ts';

export type Conversation = components['schemas']['Conversation'];
export type Message = components['schemas']['Message'];
export type History = components['schemas']['History'];
export type Task = components['schemas']['Task'];
export type TaskChanges = components['schemas']['TaskChanges'];
export type User = components['schemas']['User'];
export type ApiKey = components['schemas']['ApiKey'];
export type SearchHit = components['schemas']['SearchHit'];
export type ConversationStatus = Conversation['status'];

/** A failure already phrased for a person; `signedOut` means sign in again. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }

  get signedOut(): boolean {
    return this.status === 401;
  }
}

const TOKEN_KEY = 'todochat.token';

export const session = {
  get token(): string | null {
    return localStorage.getItem(TOKEN_KEY);
  },
  set token(value: string | null) {
    if (value === null) localStorage.removeItem(TOKEN_KEY);
    else localStorage.setItem(TOKEN_KEY, value);
  },
};

export function authHeaders(): Record<string, string> {
  const token = session.token;
  return token === null ? {} : { Authorization: `Bearer ${token}` };
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

/** A stream's error part: `{code, message}` as JSON text. */
interface StreamError {
  code?: string;
  message?: string;
}

/** The words for a failed response, from its status and the API's `{error}` body. */
export function apiError(status: number, body: unknown): ApiError {
  const error = (body as ErrorBody | null)?.error;
  const code = error?.code;
  if (status === 401) {
    return new ApiError(
      error?.message?.startsWith('Wrong') === true
        ? 'Wrong email or password.'
        : 'Your session has ended. Please sign in again.',
      status,
      code,
    );
  }
  if (status === 429)
    return new ApiError(error?.message ?? 'Too many attempts; wait a moment.', status, code);
  if (status === 503)
    return new ApiError(
      'The server cannot reach its database right now. Try again in a few seconds.',
      status,
      code,
    );
  if (status === 502 || status === 504)
    return new ApiError('The assistant did not answer. Press Retry.', status, code);
  if (status >= 500)
    return new ApiError('Something went wrong on the server. Try again.', status, code);
  return new ApiError(error?.message ?? `The request failed (${status}).`, status, code);
}

export const OFFLINE_MESSAGE = "Can't reach the server. Check your connection and try again.";

const auth: Middleware = {
  onRequest({ request }) {
    const token = session.token;
    if (token !== null) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
};

export const api = createClient<paths>();
api.use(auth);

/** Awaits an `api` call: its data, or an ApiError that says what went wrong. */
export async function call<T>(
  pending: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await pending;
  } catch {
    throw new ApiError(OFFLINE_MESSAGE, 0);
  }
  if (!result.response.ok) throw apiError(result.response.status, result.error ?? null);
  return result.data as T;
}

/**
 * A failed chat turn as useChat reports it: the transport throws the
 * response body's text, and a stream's error part arrives as its errorText.
 */
export function chatFailure(error: Error): { message: string; code?: string } {
  if (error instanceof TypeError) return { message: OFFLINE_MESSAGE };
  try {
    // A refusal before the stream opened is the API's error body; a failure after is an error part.
    const body = JSON.parse(error.message) as ErrorBody & StreamError;
    const message = body.error?.message ?? body.message;
    const code = body.error?.code ?? body.code;
    if (message !== undefined) return code === undefined ? { message } : { message, code };
  } catch {
    // Not JSON: a network failure or a message from the library itself.
  }
  return {
    message: error.message === '' ? 'The assistant did not answer. Press Retry.' : error.message,
  };
}
