// The libraries a TypeScript developer would otherwise pick for a chatbot's
// conversation store, each used the way its own documentation shows, on the
// same data as todochat: LangChain's PostgresChatMessageHistory, Mastra's
// PostgresStore memory domain, and the Drizzle queries of vercel/ai-chatbot
// (its Chat and Message_v2 tables, lib/db/queries.ts).
import { randomUUID } from 'node:crypto';
import { HumanMessage } from '@langchain/core/messages';
import { PostgresChatMessageHistory } from '@langchain/community/stores/message/postgres';
import { PostgresStore } from '@mastra/pg';
import { and, asc, desc, eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { json, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';
import pg from 'pg';
import type { Operation } from './runner.ts';

export const CONTENT = 'add a task to buy milk and bread';

/** Named conversations every contender holds: `small` and `big` messages long, writers empty. */
export interface PeerData {
  small: number;
  big: number;
  conversations: number;
}

export interface Peer {
  name: string;
  /** Missing where the library has no such operation. */
  save?: Operation;
  historySmall?: Operation;
  historyBig?: Operation;
  list?: Operation;
  /** What its history read returns, for the table's footnote. */
  note: string;
  close(): Promise<void>;
}

const seedText = (i: string) =>
  `'message number ' || ${i} || ' of a conversation about groceries and bills'`;

export async function langchainPeer(url: string, data: PeerData): Promise<Peer> {
  const pool = new pg.Pool({ connectionString: url, max: 16 });
  const table = 'langchain_messages';
  // Created as LangChain creates it (ensureTable), then filled in bulk.
  await new PostgresChatMessageHistory({ pool, sessionId: 'init', tableName: table }).getMessages();
  for (const [session, count] of [
    ['small', data.small],
    ['big', data.big],
  ] as const) {
    await pool.query(
      `insert into ${table} (session_id, message)
       select $1, jsonb_build_object('type', case when i % 2 = 1 then 'human' else 'ai' end,
         'content', ${seedText('i')}, 'additional_kwargs', '{}'::jsonb, 'response_metadata', '{}'::jsonb)
       from generate_series(1, $2::int) as i`,
      [session, count],
    );
  }
  await pool.query(`analyze ${table}`);
  const history = (sessionId: string) =>
    new PostgresChatMessageHistory({ pool, sessionId, tableName: table });
  const small = history('small');
  const big = history('big');
  const writers = Array.from({ length: 32 }, (_, i) => history(`writer-${i}`));
  return {
    name: 'LangChain',
    save: (worker) => writers[worker]?.addMessage(new HumanMessage(CONTENT)) ?? Promise.resolve(),
    historySmall: () => small.getMessages(),
    historyBig: () => big.getMessages(),
    note: 'LangChain: getMessages reads the whole history (it has no limit), from a table with no index on session_id; no conversation list',
    close: () => pool.end(),
  };
}

export async function mastraPeer(url: string, data: PeerData): Promise<Peer> {
  const store = new PostgresStore({ id: 'bench', connectionString: url, max: 16 });
  await store.init();
  const memory = await store.getStore('memory');
  if (memory === undefined) throw new Error('Mastra has no memory store');
  const resourceId = 'bench-user';
  const threads = {
    small: randomUUID(),
    big: randomUUID(),
    writers: Array.from({ length: 32 }, () => randomUUID()),
  };
  const now = new Date();
  for (const id of [threads.small, threads.big, ...threads.writers]) {
    await memory.saveThread({
      thread: { id, resourceId, title: 'bench', createdAt: now, updatedAt: now, metadata: {} },
    });
  }
  const pool = store.pool;
  // Rows as saveMessages writes them (content is the v2 JSON, as text).
  for (const [thread, count] of [
    [threads.small, data.small],
    [threads.big, data.big],
  ] as const) {
    await pool.query(
      `insert into mastra_messages (id, thread_id, content, role, type, "createdAt", "resourceId")
       select gen_random_uuid()::text, $1, json_build_object('format', 2, 'parts',
                json_build_array(json_build_object('type', 'text', 'text', ${seedText('i')})))::text,
              case when i % 2 = 1 then 'user' else 'assistant' end, 'v2',
              now() - (($2::int - i) * interval '1 second'), $3
       from generate_series(1, $2::int) as i`,
      [thread, count, resourceId],
    );
  }
  await pool.query(
    `insert into mastra_threads (id, "resourceId", title, metadata, "createdAt", "updatedAt")
     select gen_random_uuid()::text, $1, 'bench', '{}', now() - i * interval '1 minute', now() - i * interval '1 minute'
     from generate_series(1, $2::int) as i`,
    ['bench-list', data.conversations],
  );
  await pool.query('analyze mastra_messages; analyze mastra_threads');
  const page = (threadId: string) => () =>
    memory.listMessages({
      threadId,
      perPage: 50,
      page: 0,
      orderBy: { field: 'createdAt', direction: 'DESC' },
      // What an agent's last-N read asks for: no COUNT(*) over the thread.
      includeTotal: false,
    });
  return {
    name: 'Mastra',
    save: (worker) =>
      memory.saveMessages({
        messages: [
          {
            id: randomUUID(),
            threadId: threads.writers[worker] ?? '',
            resourceId,
            role: 'user',
            createdAt: new Date(),
            content: { format: 2, parts: [{ type: 'text', text: CONTENT }] },
          },
        ],
      }),
    historySmall: page(threads.small),
    historyBig: page(threads.big),
    list: () =>
      memory.listThreads({
        filter: { resourceId: 'bench-list' },
        perPage: 20,
        page: 0,
        orderBy: { field: 'updatedAt', direction: 'DESC' },
      }),
    note: "Mastra: listMessages' newest 50 without the total count, listThreads for the list",
    close: () => store.close(),
  };
}

// vercel/ai-chatbot's schema (lib/db/schema.ts), the tables its queries touch.
const user = pgTable('User', {
  id: uuid('id').primaryKey().notNull().defaultRandom(),
  email: varchar('email', { length: 64 }).notNull(),
});
const chat = pgTable('Chat', {
  id: uuid('id').primaryKey().notNull().defaultRandom(),
  createdAt: timestamp('createdAt').notNull(),
  title: text('title').notNull(),
  userId: uuid('userId')
    .notNull()
    .references(() => user.id),
  visibility: varchar('visibility', { enum: ['public', 'private'] })
    .notNull()
    .default('private'),
});
const message = pgTable('Message_v2', {
  id: uuid('id').primaryKey().notNull().defaultRandom(),
  chatId: uuid('chatId')
    .notNull()
    .references(() => chat.id),
  role: varchar('role').notNull(),
  parts: json('parts').notNull(),
  attachments: json('attachments').notNull(),
  createdAt: timestamp('createdAt').notNull(),
});

export async function drizzlePeer(url: string, data: PeerData): Promise<Peer> {
  const pool = new pg.Pool({ connectionString: url, max: 16 });
  // The DDL its migrations create: primary keys and foreign keys, no other index.
  await pool.query(`
    create table "User" (id uuid primary key default gen_random_uuid(), email varchar(64) not null);
    create table "Chat" (id uuid primary key default gen_random_uuid(), "createdAt" timestamp not null,
      title text not null, "userId" uuid not null references "User"(id),
      visibility varchar not null default 'private');
    create table "Message_v2" (id uuid primary key default gen_random_uuid(),
      "chatId" uuid not null references "Chat"(id), role varchar not null, parts json not null,
      attachments json not null, "createdAt" timestamp not null)`);
  const owner = randomUUID();
  const lister = randomUUID();
  await pool.query(`insert into "User" (id, email) values ($1, 'a@b.c'), ($2, 'd@e.f')`, [
    owner,
    lister,
  ]);
  const chats = {
    small: randomUUID(),
    big: randomUUID(),
    writers: Array.from({ length: 32 }, () => randomUUID()),
  };
  for (const id of [chats.small, chats.big, ...chats.writers]) {
    await pool.query(
      `insert into "Chat" (id, "createdAt", title, "userId") values ($1, now(), 'bench', $2)`,
      [id, owner],
    );
  }
  for (const [chatId, count] of [
    [chats.small, data.small],
    [chats.big, data.big],
  ] as const) {
    await pool.query(
      `insert into "Message_v2" ("chatId", role, parts, attachments, "createdAt")
       select $1, case when i % 2 = 1 then 'user' else 'assistant' end,
              json_build_array(json_build_object('type', 'text', 'text', ${seedText('i')})), '[]',
              now() - (($2::int - i) * interval '1 second')
       from generate_series(1, $2::int) as i`,
      [chatId, count],
    );
  }
  await pool.query(
    `insert into "Chat" ("createdAt", title, "userId")
     select now() - i * interval '1 minute', 'bench', $1 from generate_series(1, $2::int) as i`,
    [lister, data.conversations],
  );
  await pool.query('analyze');
  const db = drizzle(pool);
  // getMessagesByChatId: the whole history, oldest first.
  const history = (chatId: string) => () =>
    db.select().from(message).where(eq(message.chatId, chatId)).orderBy(asc(message.createdAt));
  return {
    name: 'ai-chatbot (Drizzle)',
    // saveMessages: one insert.
    save: (worker) =>
      db.insert(message).values({
        chatId: chats.writers[worker] ?? '',
        role: 'user',
        parts: [{ type: 'text', text: CONTENT }],
        attachments: [],
        createdAt: new Date(),
      }),
    historySmall: history(chats.small),
    historyBig: history(chats.big),
    // getChatsByUserId: the newest limit + 1 of a user's chats.
    list: () =>
      db
        .select()
        .from(chat)
        .where(and(eq(chat.userId, lister)))
        .orderBy(desc(chat.createdAt))
        .limit(21),
    note: 'ai-chatbot: getMessagesByChatId reads the whole history (no index on chatId); saveMessages is a bare insert',
    close: () => pool.end(),
  };
}
