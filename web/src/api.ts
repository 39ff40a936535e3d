// The page's only way out: the todochat API on this origin, with the
// session's token, turning every failure into words a person can act on.

export interface ConversationJson {
  id: string;
  title: string | null;
  status: 'active' | 'archived';
  message_count: number;
  updated_at: string;
}

export interface ToolCallJson {
  name: string;
  arguments?: Record<string, unknown>;
  result?: { task_id?: number; title?: string; count?: number };
  error?: string;
}

export interface MessageJson {
  id: string;
  seq: number;
  role: 'user' | 'assistant';
  content: string;
  metadata: { tool_calls?: ToolCallJson[] } | null;
  created_at: string;
}

export interface TaskJson {
  id: string;
  number: number;
  title: string;
  completed: boolean;
}

/** A failure already phrased for a person; `signedOut` means sign in again. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly signedOut = false,
  ) {
    super(message);
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

function friendly(status: number, body: unknown): ApiError {
  const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
  if (status === 401) {
    return new ApiError(
      error?.message?.startsWith('Wrong') === true
        ? 'Wrong email or password.'
        : 'Your session has ended. Please sign in again.',
      status,
      true,
    );
  }
  if (status === 429)
    return new ApiError(error?.message ?? 'Too many attempts; wait a moment.', status);
  if (status === 503)
    return new ApiError(
      'The server cannot reach its database right now. Try again in a few seconds.',
      status,
    );
  if (status === 502 || status === 504) {
    return new ApiError(
      'The assistant did not answer. Your message is saved; press Retry.',
      status,
    );
  }
  if (status >= 500) return new ApiError('Something went wrong on the server. Try again.', status);
  return new ApiError(error?.message ?? `The request failed (${status}).`, status);
}

export async function request<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (session.token !== null)
    (init.headers as Record<string, string>).Authorization = `Bearer ${session.token}`;
  if (body !== undefined) {
    (init.headers as Record<string, string>)['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError("Can't reach the server. Check your connection and try again.", 0);
  }
  const text = await response.text();
  const parsed: unknown = text === '' ? null : JSON.parse(text);
  if (!response.ok) throw friendly(response.status, parsed);
  return parsed as T;
}

export interface StreamHandlers {
  onEvent(event: string, data: Record<string, unknown>): void;
}

/** POST /api/chat/stream, read as server-sent events. */
export async function streamChat(
  body: { conversation_id: string; message: string },
  idempotencyKey: string,
  handlers: StreamHandlers,
): Promise<void> {
  let response: Response;
  try {
    response = await fetch('/api/chat/stream', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${session.token ?? ''}`,
        'Content-Type': 'application/json',
        'Idempotency-Key': idempotencyKey,
      },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError("Can't reach the server. Your message may not be saved; press Retry.", 0);
  }
  if (!response.ok || response.body === null) {
    const text = await response.text();
    throw friendly(response.status, text === '' ? null : JSON.parse(text));
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let boundary = buffer.indexOf('\n\n');
    while (boundary !== -1) {
      const block = buffer.slice(0, boundary);
      buffer = buffer.slice(boundary + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length > 0)
        handlers.onEvent(event, JSON.parse(data.join('\n')) as Record<string, unknown>);
      boundary = buffer.indexOf('\n\n');
    }
  }
}
