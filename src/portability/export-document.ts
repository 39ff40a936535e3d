// The export document: everything in one account, as GET /api/export writes
// it and POST /api/import reads it back. The schema below is the import's
// whole validation, so a document is refused before anything is written.
import { z } from 'zod';
import {
  ASSISTANT_MESSAGE_MAX,
  CONVERSATION_TITLE_MAX,
  USER_MESSAGE_MAX,
} from '../conversations/conversation.service.ts';
import { canonicalTimeZone } from '../tasks/due.ts';
import { TASK_DESCRIPTION_MAX, TASK_NUMBER_MAX, TASK_TITLE_MAX } from '../tasks/task.service.ts';
import { TASK_PRIORITIES } from '../tasks/task.ts';
import { characterCount, text } from '../validation.ts';

export const EXPORT_FORMAT = 'todochat-export';
export const EXPORT_VERSION = 1;
// What the database holds (messages_metadata_size), so any stored message imports.
const METADATA_MAX_BYTES = 65_536;

const uuid = z.guid({ error: 'must be a UUID' });
const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

const timeZone = z.string().refine((name) => canonicalTimeZone(name) !== null, {
  error: 'must be an IANA time zone name such as Europe/Paris',
});

const accountSchema = z.object({
  email: z.string(),
  time_zone: timeZone,
  next_task_number: z.int().positive().max(TASK_NUMBER_MAX),
  created_at: timestamp,
});

const taskSchema = z
  .object({
    id: uuid,
    number: z.int().positive().max(TASK_NUMBER_MAX),
    title: text({ min: 1, max: TASK_TITLE_MAX }),
    description: text({ max: TASK_DESCRIPTION_MAX }).nullable(),
    completed: z.boolean(),
    due_date: z.iso.date({ error: 'must be a date such as 2026-12-04' }).nullable(),
    due_at: timestamp.nullable(),
    priority: z.enum(TASK_PRIORITIES, { error: "must be 'low', 'normal' or 'high'" }),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .refine((task) => task.due_at === null || task.due_date !== null, {
    error: 'a task with due_at must have its due_date',
    path: ['due_date'],
  });

const messageSchema = z
  .object({
    id: uuid,
    seq: z.int().positive(),
    role: z.enum(['user', 'assistant'], { error: "must be 'user' or 'assistant'" }),
    content: text({ min: 1, max: ASSISTANT_MESSAGE_MAX }),
    metadata: z
      .record(z.string(), z.json(), { error: 'must be a JSON object or null' })
      .nullable()
      .refine(
        (metadata) =>
          metadata === null ||
          (!JSON.stringify(metadata).includes('\\u0000') &&
            Buffer.byteLength(JSON.stringify(metadata)) <= METADATA_MAX_BYTES),
        { error: `must be at most ${METADATA_MAX_BYTES} bytes as JSON, without U+0000` },
      ),
    idempotency_key: text({ min: 1, max: 200 }).nullable(),
    created_at: timestamp,
  })
  .refine(
    (message) => message.role !== 'user' || characterCount(message.content) <= USER_MESSAGE_MAX,
    {
      error: `user messages may be at most ${USER_MESSAGE_MAX} characters`,
      path: ['content'],
    },
  );

const conversationSchema = z
  .object({
    id: uuid,
    title: text({ min: 1, max: CONVERSATION_TITLE_MAX }).nullable(),
    status: z.enum(['active', 'archived'], { error: "must be 'active' or 'archived'" }),
    created_at: timestamp,
    updated_at: timestamp,
    messages: z.array(messageSchema),
  })
  .superRefine((conversation, ctx) => {
    const keys = new Set<string>();
    conversation.messages.forEach((message, index) => {
      if (message.seq !== index + 1) {
        ctx.addIssue({
          code: 'custom',
          path: ['messages', index, 'seq'],
          message: `must be ${index + 1}: messages are numbered 1, 2, 3... in order`,
        });
      }
      if (message.idempotency_key !== null) {
        if (keys.has(message.idempotency_key)) {
          ctx.addIssue({
            code: 'custom',
            path: ['messages', index, 'idempotency_key'],
            message: 'must be unique within the conversation',
          });
        }
        keys.add(message.idempotency_key);
      }
    });
  });

function uniqueBy<T>(
  items: readonly T[],
  key: (item: T) => unknown,
  ctx: z.RefinementCtx,
  path: string,
  field: string,
) {
  const seen = new Set<unknown>();
  items.forEach((item, index) => {
    const value = key(item);
    if (seen.has(value)) {
      ctx.addIssue({ code: 'custom', path: [path, index, field], message: 'must be unique' });
    }
    seen.add(value);
  });
}

export const exportDocumentSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT, { error: `must be "${EXPORT_FORMAT}"` }),
    version: z.literal(EXPORT_VERSION, { error: `must be ${EXPORT_VERSION}` }),
    exported_at: timestamp,
    account: accountSchema,
    tasks: z.array(taskSchema),
    conversations: z.array(conversationSchema),
  })
  .superRefine((document, ctx) => {
    uniqueBy(document.tasks, (task) => task.number, ctx, 'tasks', 'number');
    uniqueBy(document.tasks, (task) => task.id.toLowerCase(), ctx, 'tasks', 'id');
    uniqueBy(document.conversations, (c) => c.id.toLowerCase(), ctx, 'conversations', 'id');
    const messageIds = new Set<string>();
    document.conversations.forEach((conversation, c) => {
      conversation.messages.forEach((message, m) => {
        const key = message.id.toLowerCase();
        if (messageIds.has(key)) {
          ctx.addIssue({
            code: 'custom',
            path: ['conversations', c, 'messages', m, 'id'],
            message: 'must be unique',
          });
        }
        messageIds.add(key);
      });
    });
    const highest = Math.max(0, ...document.tasks.map((task) => task.number));
    if (document.account.next_task_number <= highest) {
      ctx.addIssue({
        code: 'custom',
        path: ['account', 'next_task_number'],
        message: `must be greater than the highest task number (${highest})`,
      });
    }
  });

export type ExportDocument = z.output<typeof exportDocumentSchema>;
export type ExportedAccount = ExportDocument['account'];
export type ExportedTask = ExportDocument['tasks'][number];
export type ExportedConversation = ExportDocument['conversations'][number];
export type ExportedMessage = ExportedConversation['messages'][number];
