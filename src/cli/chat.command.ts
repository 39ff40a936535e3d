// `todochat chat`: the assistant in a terminal, on the same store, agent and
// persistence as the HTTP API. History lives in the database, so a chat
// picks up where it left off after a restart.
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import type { Config } from '../config.ts';
import type { Conversation } from '../conversations/conversation.ts';
import { AppError, StoreLockedError } from '../errors.ts';
import { chatOptionsFrom, createChatService } from '../services.ts';
import { openStore, storeOptionsFrom, type Store } from '../store.ts';
import { ensureLocalUser, LOCAL_USER_EMAIL } from './local-user.ts';

const HELP = `Type a message and press Enter. Commands: /new (new conversation), /list, /quit.
Try: "add a task to buy milk", "what's pending?", "mark task 1 as complete".`;

function describe(conversation: Conversation): string {
  const title = conversation.title ?? '(untitled)';
  return `${conversation.id}  ${conversation.updatedAt.toISOString()}  ${String(conversation.messageCount).padStart(4)} messages  ${conversation.status}  ${title}`;
}

async function printList(store: Store, userId: string): Promise<void> {
  const page = await store.conversations.getUserConversations(userId, { limit: 50 });
  if (page.conversations.length === 0) console.log('No conversations yet.');
  for (const conversation of page.conversations) console.log(describe(conversation));
}

async function printRecent(store: Store, userId: string, conversationId: string): Promise<void> {
  const history = await store.conversations.getConversationHistory(userId, conversationId, {
    limit: 10,
  });
  if (history.hasOlder) console.log('  ...');
  for (const message of history.messages) {
    console.log(`${message.role === 'user' ? 'you' : 'todochat'}> ${message.content}`);
  }
}

export async function runChatCommand(args: string[], config: Config): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      list: { type: 'boolean' },
      conversation: { type: 'string' },
      new: { type: 'boolean' },
      user: { type: 'string', default: LOCAL_USER_EMAIL },
    },
  });
  const store = await openStore(storeOptionsFrom(config)).catch((error: unknown) => {
    if (!(error instanceof StoreLockedError)) throw error;
    throw new AppError(
      'store_locked',
      `${error.message}\nIf that is todochat's server (npm start), chat beside it on its page at ` +
        `http://${config.host}:${config.port}/, or keep the data in PostgreSQL: with the same ` +
        'DATABASE_URL for the server and for todochat chat, both can run at once.',
      { details: error.details, cause: error },
    );
  });
  try {
    const user = await ensureLocalUser(store, values.user);
    if (values.list === true) {
      await printList(store, user.id);
      return;
    }
    const chat = createChatService(store, chatOptionsFrom(config));
    let conversation =
      values.conversation !== undefined
        ? await store.conversations.getConversationForUser(user.id, values.conversation)
        : values.new === true
          ? await store.conversations.createConversation(user.id)
          : await store.conversations.getOrCreateConversation(user.id);
    if (conversation === null)
      throw new AppError(
        'not_found',
        `No conversation ${values.conversation ?? ''}; see todochat chat --list`,
      );

    console.log(`todochat (${chat.modelName}) as ${user.email}, conversation ${conversation.id}`);
    console.log(HELP);
    await printRecent(store, user.id, conversation.id);

    const terminal = createInterface({
      input: process.stdin,
      output: process.stdout,
      terminal: process.stdin.isTTY,
    });
    terminal.setPrompt('you> ');
    terminal.prompt();
    for await (const line of terminal) {
      const text = line.trim();
      if (text === '/quit' || text === '/exit') break;
      if (text === '/list') {
        await printList(store, user.id);
      } else if (text === '/new') {
        conversation = await store.conversations.createConversation(user.id);
        console.log(`New conversation ${conversation.id}`);
      } else if (text !== '') {
        process.stdout.write('todochat> ');
        try {
          await chat.runTurn({
            userId: user.id,
            conversationId: conversation.id,
            message: text,
            onEvent: (event) => {
              if (event.type === 'text') process.stdout.write(event.delta);
              if (event.type === 'tool_result') {
                process.stdout.write(
                  `\n  [${event.name}${event.error === undefined ? '' : ` failed: ${event.error.hint}`}]\n`,
                );
              }
            },
          });
          process.stdout.write('\n');
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          console.log(`\n(${error.code}) ${error.message}`);
        }
      }
      terminal.prompt();
    }
    terminal.close();
  } finally {
    await store.close();
  }
}
