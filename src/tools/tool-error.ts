// The one mapping from the domain's typed errors to what a tool caller (a
// model, an MCP client) is told: a `code` to act on and a `hint` saying how
// to recover. The Record is exhaustive, so a new ErrorCode does not compile
// until it is decided here. Anything that is not an AppError is our bug or
// the database's: it is logged with the request id, and the caller gets a
// generic hint, never its text (SQL, a stack, a path).
import type { Logger } from 'pino';
import { AppError, ValidationError, type ErrorCode } from '../errors.ts';

export interface ToolError {
  code: ErrorCode;
  hint: string;
}

/** What the failing call was about, for hints that name it. */
export interface ToolCallSubject {
  tool: string;
  /** The task reference the call gave, if any ("3", a UUID). */
  taskRef?: string | undefined;
}

const RETRY_LATER = 'Tell the user it did not work this time and to try again in a moment.';
const OUR_SIDE = `Something went wrong on our side. ${RETRY_LATER}`;

// Failures that are ours or the database's, not the caller's: worth a log line.
const LOGGED: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'database_unavailable',
  'store_locked',
  'migration_failed',
  'unauthorized',
  'forbidden',
  'malformed_request',
  'unsupported_media_type',
  'internal_error',
  'model_failed',
  'model_timeout',
]);

const HINTS: Readonly<Record<ErrorCode, (error: AppError, call: ToolCallSubject) => string>> = {
  not_found: (error, call) => {
    const resource = error.details?.resource;
    if (resource === 'task' || resource === 'record' || resource === undefined) {
      const which = call.taskRef === undefined ? '' : ` ${call.taskRef}`;
      return `Task${which} not found. Call list_tasks to see the user's task numbers.`;
    }
    const noun = typeof resource === 'string' ? resource : 'record';
    return `${noun.charAt(0).toUpperCase()}${noun.slice(1)} not found. Leave user_id out: the current user is implied.`;
  },
  validation_failed: (error) =>
    error instanceof ValidationError
      ? `${error.issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}. Fix the arguments and call again.`
      : `${error.message}. Fix the arguments and call again.`,
  conflict: (error) => `${error.message}. Call list_tasks and try again.`,
  database_unavailable: () => `The todo list is unavailable right now. ${RETRY_LATER}`,
  store_locked: () => `The todo list is unavailable right now. ${RETRY_LATER}`,
  rate_limited: () => `Too many changes at once. ${RETRY_LATER}`,
  payload_too_large: () => 'The arguments are too large. Shorten them and call again.',
  // The codes below belong to the edges and the chat, not to a tool; should
  // one reach here it is reported like an unexpected failure.
  migration_failed: () => OUR_SIDE,
  unauthorized: () => OUR_SIDE,
  forbidden: () => OUR_SIDE,
  malformed_request: () => OUR_SIDE,
  unsupported_media_type: () => OUR_SIDE,
  internal_error: () => OUR_SIDE,
  model_failed: () => OUR_SIDE,
  model_timeout: () => OUR_SIDE,
};

/** The tool result for a failure: typed errors mapped, anything else logged and made generic. */
export function toToolError(
  error: unknown,
  call: ToolCallSubject,
  logger: Logger | undefined,
): ToolError {
  if (error instanceof AppError) {
    if (LOGGED.has(error.code)) {
      logger?.error({ err: error, cause: error.cause, tool: call.tool }, 'tool failed');
    }
    return { code: error.code, hint: HINTS[error.code](error, call) };
  }
  logger?.error({ err: error, tool: call.tool }, 'tool failed unexpectedly');
  return { code: 'internal_error', hint: OUR_SIDE };
}

/** A ToolError as the text a model or MCP client reads: JSON, so `code` is machine-readable. */
export function toolErrorText(error: ToolError): string {
  return JSON.stringify(error);
}
