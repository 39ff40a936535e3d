// Driver errors become domain errors here, once. Every constraint of the
// schema that a client's input can break (even after validation: a race, or a
// caller that skipped the service) is listed in one table with the error it
// means, so services never see SQLSTATEs or constraint names.
import { API_KEY_NAME_MAX } from '../api-keys/api-key.ts';
import {
  ASSISTANT_MESSAGE_MAX,
  CONVERSATION_TITLE_MAX,
  IDEMPOTENCY_KEY_MAX,
  USER_MESSAGE_MAX,
} from '../conversations/conversation.ts';
import {
  AppError,
  ConflictError,
  DatabaseUnavailableError,
  InvalidTokenError,
  NotFoundError,
  ValidationError,
} from '../errors.ts';
import { TASK_DESCRIPTION_MAX, TASK_TITLE_MAX } from '../tasks/task.ts';
import { EMAIL_MAX_LENGTH, EMAIL_MIN_LENGTH } from '../users/user.ts';
import { ConnectionLostError, UnknownUserError } from './drivers.ts';

interface DriverError {
  code?: unknown;
  constraint?: unknown;
  message?: unknown;
}

type ConstraintMeaning = (cause: unknown) => AppError;

const invalid =
  (field: string, message: string): ConstraintMeaning =>
  (cause) =>
    new ValidationError([{ field, message }], { cause });

const missing =
  (resource: string): ConstraintMeaning =>
  (cause) =>
    new NotFoundError(resource, { cause });

/** What breaking each constraint means, by constraint (or unique index) name. */
const CONSTRAINTS: Readonly<Record<string, ConstraintMeaning>> = {
  users_email_length: invalid(
    'email',
    `must be between ${EMAIL_MIN_LENGTH} and ${EMAIL_MAX_LENGTH} characters`,
  ),
  users_email_key: (cause) =>
    new ConflictError('An account with that email already exists', {
      details: { field: 'email' },
      duplicate: 'email',
      cause,
    }),
  tasks_title_length: invalid('title', `must be between 1 and ${TASK_TITLE_MAX} characters`),
  tasks_description_length: invalid(
    'description',
    `must be at most ${TASK_DESCRIPTION_MAX} characters`,
  ),
  tasks_priority_check: invalid('priority', "must be 'low', 'normal' or 'high'"),
  tasks_due_at_has_date: invalid('due_date', 'must be set when due_at is'),
  tasks_user_id_fkey: missing('user'),
  users_time_zone_length: invalid('time_zone', 'must be between 1 and 64 characters'),
  conversations_title_length: invalid(
    'title',
    `must be between 1 and ${CONVERSATION_TITLE_MAX} characters`,
  ),
  conversations_status_check: invalid('status', "must be 'active' or 'archived'"),
  conversations_user_id_fkey: missing('user'),
  messages_role_check: invalid('role', "must be 'user' or 'assistant'"),
  messages_content_not_empty: invalid('content', 'must not be empty'),
  messages_user_content_length: invalid(
    'content',
    `user messages may be at most ${USER_MESSAGE_MAX} characters`,
  ),
  messages_content_length: invalid(
    'content',
    `must be at most ${ASSISTANT_MESSAGE_MAX} characters`,
  ),
  messages_metadata_object: invalid('metadata', 'must be a JSON object'),
  messages_metadata_size: invalid('metadata', 'is too large'),
  messages_idempotency_key_length: invalid(
    'idempotencyKey',
    `must be between 1 and ${IDEMPOTENCY_KEY_MAX} characters`,
  ),
  messages_idempotency_key: (cause) =>
    new ConflictError('A message with that idempotency key already exists', {
      duplicate: 'idempotency_key',
      cause,
    }),
  messages_conversation_fkey: missing('conversation'),
  api_keys_name_length: invalid('name', `must be between 1 and ${API_KEY_NAME_MAX} characters`),
  api_keys_name_key: (cause) =>
    new ConflictError('An API key with that name already exists', {
      details: { field: 'name' },
      duplicate: 'api_key_name',
      cause,
    }),
  api_keys_user_id_fkey: missing('user'),
};

const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

const UNAVAILABLE_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end',
  'PGlite is closed',
  'driver has already been destroyed',
];

export function translateDatabaseError(error: unknown): unknown {
  // A request's first transaction as its user found the user gone (scope.ts, requiringUser).
  if (error instanceof UnknownUserError) {
    return new InvalidTokenError('The account for this token no longer exists');
  }
  if (error instanceof ConnectionLostError) {
    return new DatabaseUnavailableError('The database is unavailable', { cause: error });
  }
  if (error instanceof AppError || typeof error !== 'object' || error === null) return error;
  const { code, constraint, message } = error as DriverError;
  const text = typeof message === 'string' ? message : '';
  const name = typeof constraint === 'string' ? constraint : '';
  const options = { cause: error };

  if (typeof code === 'string') {
    // Integrity violations (class 23): the table above says what each means.
    if (code.startsWith('23')) {
      const meaning = CONSTRAINTS[name];
      if (meaning !== undefined) return meaning(error);
      if (code === '23503') return new NotFoundError('record', options);
      if (code === '23505') return new ConflictError('That record already exists', options);
      return new ValidationError([{ field: name || 'input', message: 'violates a data rule' }], {
        cause: error,
      });
    }
    // Writing a row the policies do not allow: to the caller it does not exist.
    if (code === '42501') return new NotFoundError('record', options);
    // Class 22 is "data exception": a value the database could not take
    // (out of range, bad encoding, an impossible date). Input validation
    // should have caught it; if it did not, it is still the client's value.
    if (code.startsWith('22')) {
      return new ValidationError([{ field: 'input', message: 'has an invalid value' }], options);
    }
    if (code === '57014') {
      return new DatabaseUnavailableError('The database did not answer in time', options);
    }
    if (code.startsWith('08') || code.startsWith('57P') || code === '53300') {
      return new DatabaseUnavailableError('The database is unavailable', options);
    }
    if (UNAVAILABLE_NODE_CODES.has(code)) {
      return new DatabaseUnavailableError('The database is unreachable', options);
    }
  }
  if (UNAVAILABLE_MESSAGES.some((fragment) => text.includes(fragment))) {
    return new DatabaseUnavailableError('The database is unavailable', options);
  }
  return error;
}
