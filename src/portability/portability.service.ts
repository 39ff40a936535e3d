// Taking an account's data out and bringing it back: the whole account as one
// JSON document, a conversation as Markdown, and an import into an empty
// account. Exports are written as they are read, a page per short
// transaction, so a large account is never held in memory and never holds a
// transaction open on a slow download (PGlite's transactions are exclusive).
// An import is one transaction: it lands whole or not at all.
import type { Kysely } from 'kysely';
import { NotFoundError, ValidationError } from '../errors.ts';
import { asUser } from '../db/scope.ts';
import type { Database } from '../db/schema.ts';
import { id, parse } from '../validation.ts';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  exportDocumentSchema,
  type ExportedMessage,
} from './export-document.ts';
import * as store from './portability.repository.ts';

const TASK_PAGE = 500;
const CONVERSATION_PAGE = 100;
const MESSAGE_PAGE = 500;
const INSERT_BATCH = 1000;

export interface ImportSummary {
  tasks: number;
  conversations: number;
  messages: number;
}

function batches<T>(items: readonly T[]): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += INSERT_BATCH) {
    result.push(items.slice(i, i + INSERT_BATCH));
  }
  return result;
}

function toolNames(message: ExportedMessage): string[] {
  const calls = message.metadata?.tool_calls;
  if (!Array.isArray(calls)) return [];
  return calls.flatMap((call) =>
    typeof call === 'object' &&
    call !== null &&
    !Array.isArray(call) &&
    typeof call.name === 'string'
      ? [call.name]
      : [],
  );
}

export class PortabilityService {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  /**
   * The account as one JSON document, in chunks. The account is looked up
   * before this returns, so a missing one is an error, not a broken stream.
   */
  async exportAccount(userId: string, now = new Date()): Promise<AsyncIterable<string>> {
    const user = parse(id, userId, 'userId');
    const account = await asUser(this.#db, user, (trx) => store.findAccount(trx, user));
    if (account === null) throw new NotFoundError('user');
    return this.#writeAccount(user, account, now);
  }

  async *#writeAccount(
    user: string,
    account: NonNullable<Awaited<ReturnType<typeof store.findAccount>>>,
    now: Date,
  ): AsyncGenerator<string> {
    const head = {
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      exported_at: now.toISOString(),
      account,
    };
    yield `${JSON.stringify(head).slice(0, -1)},"tasks":[`;
    let afterNumber = 0;
    let first = true;
    for (;;) {
      const tasks = await asUser(this.#db, user, (trx) =>
        store.findTasksPage(trx, user, afterNumber, TASK_PAGE),
      );
      if (tasks.length > 0) {
        yield (first ? '' : ',') + tasks.map((task) => JSON.stringify(task)).join(',');
        first = false;
      }
      const last = tasks.at(-1);
      if (last === undefined || tasks.length < TASK_PAGE) break;
      afterNumber = last.number;
    }
    yield '],"conversations":[';
    let afterId: string | null = null;
    first = true;
    for (;;) {
      const cursor: string | null = afterId;
      const conversations: store.ConversationHead[] = await asUser(this.#db, user, (trx) =>
        store.findConversationsPage(trx, user, cursor, CONVERSATION_PAGE),
      );
      for (const conversation of conversations) {
        yield `${first ? '' : ','}${JSON.stringify(conversation).slice(0, -1)},"messages":[`;
        first = false;
        let comma = false;
        for await (const page of this.#messagePages(user, conversation.id)) {
          yield (comma ? ',' : '') + page.map((message) => JSON.stringify(message)).join(',');
          comma = true;
        }
        yield ']}';
      }
      const last = conversations.at(-1);
      if (last === undefined || conversations.length < CONVERSATION_PAGE) break;
      afterId = last.id;
    }
    yield ']}\n';
  }

  async *#messagePages(user: string, conversationId: string): AsyncGenerator<ExportedMessage[]> {
    let afterSeq = 0;
    for (;;) {
      const messages = await asUser(this.#db, user, (trx) =>
        store.findMessagesPage(trx, user, conversationId, afterSeq, MESSAGE_PAGE),
      );
      if (messages.length > 0) yield messages;
      const last = messages.at(-1);
      if (last === undefined || messages.length < MESSAGE_PAGE) return;
      afterSeq = last.seq;
    }
  }

  /** A conversation as Markdown, in chunks; not found before anything is written. */
  async exportConversationMarkdown(
    userId: string,
    conversationId: string,
    now = new Date(),
  ): Promise<{ title: string | null; chunks: AsyncIterable<string> }> {
    const user = parse(id, userId, 'userId');
    const conversation = parse(id, conversationId, 'conversationId');
    const found = await asUser(this.#db, user, async (trx) => ({
      head: await store.findConversationHead(trx, user, conversation),
      account: await store.findAccount(trx, user),
    }));
    if (found.head === null || found.account === null) throw new NotFoundError('conversation');
    const { head, account } = found;
    const when = new Intl.DateTimeFormat('en-US', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone: account.time_zone,
    });
    const pages = this.#messagePages(user, conversation);
    async function* write(): AsyncGenerator<string> {
      yield `# ${head.title ?? 'Conversation'}\n\n`;
      yield `_Exported from todochat on ${when.format(now)} (${account.time_zone})._\n`;
      for await (const page of pages) {
        for (const message of page) {
          const who = message.role === 'user' ? 'You' : 'Assistant';
          const tools = toolNames(message);
          yield `\n---\n\n**${who}** · ${when.format(new Date(message.created_at))}\n\n${message.content}\n`;
          if (tools.length > 0) yield `\n_Tools: ${tools.join(', ')}_\n`;
        }
      }
    }
    return { title: head.title, chunks: write() };
  }

  /**
   * Loads an export document into the caller's account, which must hold no
   * tasks and no conversations. Ids, numbers and timestamps are kept; the
   * account's email and password stay the caller's.
   */
  async importAccount(userId: string, document: unknown): Promise<ImportSummary> {
    const user = parse(id, userId, 'userId');
    const values = parse(exportDocumentSchema, document);
    return asUser(this.#db, user, async (trx) => {
      const state = await store.lockAccountIfEmpty(trx, user);
      if (state === 'missing') throw new NotFoundError('user');
      if (state === 'not_empty') {
        throw ValidationError.field(
          'account',
          'must be empty to import into: delete its tasks and conversations first, or import into a new account',
        );
      }
      await store.updateImportedAccount(trx, user, {
        timeZone: values.account.time_zone,
        nextTaskNumber: values.account.next_task_number,
      });
      for (const batch of batches(values.tasks)) await store.insertTasks(trx, user, batch);
      const heads = values.conversations.map(({ messages, ...head }) => ({
        ...head,
        message_count: messages.length,
      }));
      for (const batch of batches(heads)) await store.insertConversations(trx, user, batch);
      const messages = values.conversations.flatMap((conversation) =>
        conversation.messages.map((message) => ({ ...message, conversation_id: conversation.id })),
      );
      for (const batch of batches(messages)) await store.insertMessages(trx, user, batch);
      return {
        tasks: values.tasks.length,
        conversations: values.conversations.length,
        messages: messages.length,
      };
    });
  }
}
