// The todochat chat page: sign in, a sidebar of conversations, the thread
// with the assistant's reply streaming in, and the task list beside it. Plain
// DOM and the API; no framework, nothing fetched but this server.
import {
  ApiError,
  request,
  session,
  streamChat,
  type ConversationJson,
  type MessageJson,
  type TaskJson,
  type ToolCallJson,
} from './api.ts';

const USER_MESSAGE_MAX = 1000;
const COUNTER_FROM = 800;

function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type)) throw new Error(`#${id} is missing from the page`);
  return found;
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

const ui = {
  auth: byId('auth', HTMLElement),
  authForm: byId('auth-form', HTMLFormElement),
  authEmail: byId('auth-email', HTMLInputElement),
  authPassword: byId('auth-password', HTMLInputElement),
  authError: byId('auth-error', HTMLElement),
  app: byId('app', HTMLElement),
  who: byId('who', HTMLElement),
  banner: byId('banner', HTMLElement),
  sidebar: byId('sidebar', HTMLElement),
  tasksPanel: byId('tasks', HTMLElement),
  conversations: byId('conversations', HTMLUListElement),
  showActive: byId('show-active', HTMLButtonElement),
  showArchived: byId('show-archived', HTMLButtonElement),
  messages: byId('messages', HTMLElement),
  composer: byId('composer', HTMLFormElement),
  input: byId('message', HTMLTextAreaElement),
  counter: byId('counter', HTMLElement),
  send: byId('send', HTMLButtonElement),
  taskList: byId('task-list', HTMLUListElement),
  tasksEmpty: byId('tasks-empty', HTMLElement),
};

const state = {
  status: 'active' as 'active' | 'archived',
  conversations: [] as ConversationJson[],
  nextCursor: null as string | null,
  loadingConversations: false,
  current: null as string | null,
  olderCursor: null as string | null,
  loadingOlder: false,
  streaming: false,
};

/** Characters as the server counts them: code points, not UTF-16 units. */
function characters(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1) count++;
  return count;
}

function showBanner(message: string, retry?: () => void): void {
  ui.banner.replaceChildren(message);
  if (retry !== undefined) {
    ui.banner.append(
      element('button', {
        type: 'button',
        textContent: 'Retry',
        onclick: () => {
          ui.banner.hidden = true;
          retry();
        },
      }),
    );
  }
  ui.banner.hidden = false;
}

function handle(error: unknown, retry?: () => void): void {
  if (error instanceof ApiError && error.signedOut) {
    signOut('Your session has ended. Please sign in again.');
    return;
  }
  showBanner(error instanceof Error ? error.message : 'Something went wrong.', retry);
}

// ---- accounts ----

function showAuth(message = ''): void {
  ui.app.hidden = true;
  ui.auth.hidden = false;
  ui.authError.textContent = message;
  ui.authEmail.focus();
}

function signOut(message = ''): void {
  session.token = null;
  // Nothing of this user's may linger on screen for the next one.
  state.current = null;
  state.conversations = [];
  state.nextCursor = null;
  state.olderCursor = null;
  ui.messages.replaceChildren();
  ui.conversations.replaceChildren();
  ui.taskList.replaceChildren();
  ui.who.textContent = '';
  showAuth(message);
}

ui.authForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const mode = (event.submitter as HTMLButtonElement | null)?.dataset.mode ?? 'login';
  void (async () => {
    ui.authError.textContent = '';
    try {
      const result = await request<{ access_token: string }>('POST', `/api/auth/${mode}`, {
        email: ui.authEmail.value,
        password: ui.authPassword.value,
      });
      session.token = result.access_token;
      ui.authPassword.value = '';
      await start();
    } catch (error) {
      const issues =
        (error as { status?: number }).status === 422
          ? 'Use a valid email and a password of at least 8 characters.'
          : undefined;
      ui.authError.textContent =
        issues ?? (error instanceof Error ? error.message : 'Could not sign in.');
    }
  })();
});

byId('sign-out', HTMLElement).addEventListener('click', () => {
  signOut();
});

// ---- conversations ----

function conversationLabel(conversation: ConversationJson): string {
  return (
    conversation.title ?? `Conversation of ${new Date(conversation.updated_at).toLocaleString()}`
  );
}

function renderConversations(): void {
  ui.conversations.replaceChildren(
    ...state.conversations.map((conversation) => {
      const item = element('li', { className: conversation.id === state.current ? 'current' : '' });
      item.dataset.id = conversation.id;
      const open = element(
        'button',
        {
          className: 'open',
          type: 'button',
          title: conversationLabel(conversation),
          onclick: () => void openConversation(conversation.id),
        },
        conversationLabel(conversation),
        element('small', {}, `${conversation.message_count} messages`),
      );
      if (conversation.id === state.current) open.setAttribute('aria-current', 'true');
      const rename = element('button', {
        className: 'act',
        type: 'button',
        textContent: '✎',
        title: 'Rename',
        onclick: () => void renameConversation(conversation),
      });
      rename.setAttribute('aria-label', `Rename ${conversationLabel(conversation)}`);
      const archiving = conversation.status === 'active' ? 'Archive' : 'Unarchive';
      const archive = element('button', {
        className: 'act',
        type: 'button',
        textContent: conversation.status === 'active' ? '⤓' : '⤒',
        title: archiving,
        onclick: () =>
          void setStatus(conversation, conversation.status === 'active' ? 'archived' : 'active'),
      });
      archive.setAttribute('aria-label', `${archiving} ${conversationLabel(conversation)}`);
      const remove = element('button', {
        className: 'act',
        type: 'button',
        textContent: '×',
        title: 'Delete',
        onclick: () => void deleteConversation(conversation),
      });
      remove.setAttribute('aria-label', `Delete ${conversationLabel(conversation)}`);
      item.append(open, rename, archive, remove);
      return item;
    }),
  );
}

async function loadConversations(reset: boolean): Promise<void> {
  if (state.loadingConversations || (!reset && state.nextCursor === null)) return;
  state.loadingConversations = true;
  try {
    const cursor =
      reset || state.nextCursor === null ? '' : `&cursor=${encodeURIComponent(state.nextCursor)}`;
    const page = await request<{ conversations: ConversationJson[]; next_cursor: string | null }>(
      'GET',
      `/api/chat/conversations?status=${state.status}&limit=30${cursor}`,
    );
    state.conversations = reset
      ? page.conversations
      : [...state.conversations, ...page.conversations];
    state.nextCursor = page.next_cursor;
    renderConversations();
  } finally {
    state.loadingConversations = false;
  }
}

ui.conversations.addEventListener('scroll', () => {
  const { scrollTop, scrollHeight, clientHeight } = ui.conversations;
  if (scrollHeight - scrollTop - clientHeight < 80) loadConversations(false).catch(handle);
});

function selectTab(status: 'active' | 'archived'): void {
  state.status = status;
  ui.showActive.setAttribute('aria-selected', String(status === 'active'));
  ui.showArchived.setAttribute('aria-selected', String(status === 'archived'));
  loadConversations(true).catch(handle);
}
ui.showActive.addEventListener('click', () => {
  selectTab('active');
});
ui.showArchived.addEventListener('click', () => {
  selectTab('archived');
});

byId('new-conversation', HTMLElement).addEventListener('click', () => {
  void (async () => {
    try {
      const conversation = await request<ConversationJson>('POST', '/api/chat/conversations', {
        new: true,
      });
      if (state.status !== 'active') selectTab('active');
      else await loadConversations(true);
      await openConversation(conversation.id);
      ui.input.focus();
    } catch (error) {
      handle(error);
    }
  })();
});

async function renameConversation(conversation: ConversationJson): Promise<void> {
  const title = window.prompt('Name this conversation', conversation.title ?? '');
  if (title === null) return;
  try {
    await request('PATCH', `/api/chat/conversations/${conversation.id}`, {
      title: title.trim() === '' ? null : title,
    });
    await loadConversations(true);
  } catch (error) {
    handle(error);
  }
}

async function setStatus(
  conversation: ConversationJson,
  status: 'active' | 'archived',
): Promise<void> {
  try {
    await request('PATCH', `/api/chat/conversations/${conversation.id}`, { status });
    await loadConversations(true);
  } catch (error) {
    handle(error);
  }
}

async function deleteConversation(conversation: ConversationJson): Promise<void> {
  if (
    !window.confirm(
      `Delete "${conversationLabel(conversation)}" and all its messages? This cannot be undone.`,
    )
  )
    return;
  try {
    await request('DELETE', `/api/chat/conversations/${conversation.id}`);
    if (state.current === conversation.id) {
      state.current = null;
      ui.messages.replaceChildren();
    }
    await loadConversations(true);
    if (state.current === null) await openActive();
  } catch (error) {
    handle(error);
  }
}

// ---- the thread ----

function chipText(call: ToolCallJson): string {
  if (call.error !== undefined) return `${call.name.replace('_', ' ')} failed`;
  const result: { task_id?: number; title?: string; count?: number } = call.result ?? {};
  const task = `task ${String(result.task_id ?? '?')}${typeof result.title === 'string' ? `: ${result.title}` : ''}`;
  switch (call.name) {
    case 'add_task':
      return `added ${task}`;
    case 'complete_task':
      return `completed ${task}`;
    case 'delete_task':
      return `deleted ${task}`;
    case 'update_task':
      return `updated ${task}`;
    case 'list_tasks':
      return `listed ${String(result.count ?? 0)} tasks`;
    default:
      return call.name;
  }
}

function renderChip(container: HTMLElement, call: ToolCallJson): void {
  let chips = container.querySelector('.chips');
  if (chips === null) {
    chips = element('div', { className: 'chips' });
    container.prepend(chips);
  }
  chips.append(
    element(
      'span',
      { className: `chip${call.error === undefined ? '' : ' failed'}` },
      chipText(call),
    ),
  );
}

function renderMessage(message: Pick<MessageJson, 'role' | 'content' | 'metadata'>): HTMLElement {
  const bubble = element('div', { className: `message ${message.role}` });
  const text = element('span', { className: 'text' }, message.content);
  bubble.append(text);
  for (const call of message.metadata?.tool_calls ?? []) renderChip(bubble, call);
  return bubble;
}

function nearBottom(): boolean {
  const { scrollTop, scrollHeight, clientHeight } = ui.messages;
  return scrollHeight - scrollTop - clientHeight < 60;
}

function scrollToBottom(): void {
  ui.messages.scrollTop = ui.messages.scrollHeight;
}

async function openConversation(id: string): Promise<void> {
  state.current = id;
  updateCounter();
  renderConversations();
  ui.sidebar.classList.remove('open');
  const page = await request<{ messages: MessageJson[]; older_cursor: string | null }>(
    'GET',
    `/api/chat/conversations/${id}/messages?limit=30`,
  );
  if (state.current !== id) return;
  state.olderCursor = page.older_cursor;
  ui.messages.replaceChildren(...page.messages.map(renderMessage));
  scrollToBottom();
}

async function loadOlder(): Promise<void> {
  const id = state.current;
  if (state.loadingOlder || state.olderCursor === null || id === null) return;
  state.loadingOlder = true;
  const marker = element('p', { className: 'loading-older' }, 'Loading earlier messages…');
  ui.messages.prepend(marker);
  try {
    const page = await request<{ messages: MessageJson[]; older_cursor: string | null }>(
      'GET',
      `/api/chat/conversations/${id}/messages?limit=30&before=${encodeURIComponent(state.olderCursor)}`,
    );
    if (state.current !== id) return;
    // Keep what the reader is looking at where it is while older messages go in above.
    marker.remove();
    const fromBottom = ui.messages.scrollHeight - ui.messages.scrollTop;
    ui.messages.prepend(...page.messages.map(renderMessage));
    ui.messages.scrollTop = ui.messages.scrollHeight - fromBottom;
    state.olderCursor = page.older_cursor;
  } finally {
    marker.remove();
    state.loadingOlder = false;
  }
}

ui.messages.addEventListener('scroll', () => {
  if (ui.messages.scrollTop < 60) loadOlder().catch(handle);
});

async function openActive(): Promise<void> {
  const conversation = await request<ConversationJson>('POST', '/api/chat/conversations');
  await loadConversations(true);
  await openConversation(conversation.id);
}

// ---- the composer ----

function updateCounter(): void {
  const count = characters(ui.input.value);
  const over = count > USER_MESSAGE_MAX;
  ui.counter.textContent = count >= COUNTER_FROM ? `${count} / ${USER_MESSAGE_MAX}` : '';
  ui.counter.classList.toggle('over', over);
  ui.send.disabled =
    state.streaming || state.current === null || over || ui.input.value.trim() === '';
}

ui.input.addEventListener('input', updateCounter);
ui.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.composer.requestSubmit();
  }
});

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = ui.input.value;
  // Nothing is lost while a conversation is still opening: the text stays put.
  if (state.streaming || state.current === null || text.trim() === '') return;
  if (characters(text) > USER_MESSAGE_MAX) {
    showBanner(
      `Messages can be at most ${USER_MESSAGE_MAX} characters; this one has ${characters(text)}.`,
    );
    return;
  }
  ui.input.value = '';
  void send(text, crypto.randomUUID());
});

async function send(text: string, idempotencyKey: string, existing?: HTMLElement): Promise<void> {
  const conversationId = state.current;
  if (conversationId === null) return;
  state.streaming = true;
  updateCounter();
  const mine = existing ?? renderMessage({ role: 'user', content: text, metadata: null });
  mine.classList.remove('failed');
  if (existing === undefined) ui.messages.append(mine);
  const reply = element('div', { className: 'message assistant' });
  const replyText = element('span', { className: 'text' });
  reply.append(replyText);
  reply.setAttribute('aria-busy', 'true');
  ui.messages.append(reply);
  scrollToBottom();
  try {
    await streamChat({ conversation_id: conversationId, message: text }, idempotencyKey, {
      onEvent(name, data) {
        const follow = nearBottom();
        if (name === 'text')
          replyText.textContent = `${replyText.textContent}${String(data.delta)}`;
        if (name === 'tool_result') {
          renderChip(reply, data as unknown as ToolCallJson);
          refreshTasks().catch(handle);
        }
        if (name === 'error') {
          const message =
            (data as { error?: { message?: string } }).error?.message ??
            'The assistant did not answer.';
          throw new Error(message);
        }
        if (follow) scrollToBottom();
      },
    });
    reply.removeAttribute('aria-busy');
    await loadConversations(true);
  } catch (error) {
    reply.remove();
    mine.classList.add('failed');
    handle(error, () => void send(text, idempotencyKey, mine));
  } finally {
    state.streaming = false;
    updateCounter();
  }
}

// ---- tasks ----

function renderTasks(tasks: TaskJson[]): void {
  ui.tasksEmpty.hidden = tasks.length > 0;
  ui.taskList.replaceChildren(
    ...tasks.map((task) => {
      const box = element('input', { type: 'checkbox', checked: task.completed });
      box.addEventListener('change', () => {
        request('PATCH', `/api/tasks/${task.id}`, { completed: box.checked })
          .then(refreshTasks)
          .catch(handle);
      });
      const label = element(
        'label',
        { className: task.completed ? 'done' : '' },
        box,
        element('span', { className: 'number' }, `${task.number}.`),
        element('span', {}, task.title),
      );
      const remove = element('button', {
        className: 'delete',
        type: 'button',
        textContent: '✕',
        onclick: () => {
          request('DELETE', `/api/tasks/${task.id}`).then(refreshTasks).catch(handle);
        },
      });
      remove.setAttribute('aria-label', `Delete task ${task.number}: ${task.title}`);
      const item = element('li', {}, label, remove);
      item.dataset.number = String(task.number);
      return item;
    }),
  );
}

async function refreshTasks(): Promise<void> {
  const { tasks } = await request<{ tasks: TaskJson[] }>('GET', '/api/tasks');
  renderTasks(tasks);
}

byId('toggle-sidebar', HTMLElement).addEventListener('click', () =>
  ui.sidebar.classList.toggle('open'),
);
byId('toggle-tasks', HTMLElement).addEventListener('click', () =>
  ui.tasksPanel.classList.toggle('open'),
);

// ---- start ----

async function start(): Promise<void> {
  if (session.token === null) {
    showAuth();
    return;
  }
  try {
    const me = await request<{ email: string }>('GET', '/api/me');
    ui.who.textContent = me.email;
    ui.auth.hidden = true;
    ui.app.hidden = false;
    ui.banner.hidden = true;
    state.status = 'active';
    await Promise.all([openActive(), refreshTasks()]);
    updateCounter();
    ui.input.focus();
  } catch (error) {
    if (error instanceof ApiError && error.signedOut)
      signOut('Your session has ended. Please sign in again.');
    else handle(error, () => void start());
  }
}

void start();
