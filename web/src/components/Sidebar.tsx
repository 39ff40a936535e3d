// The conversations: new, search over titles, active or archived, grouped by
// the day of their last message.
import { useMemo, useState } from 'react';
import type { Conversation } from '../api/client.ts';
import type { Conversations } from '../state/conversations.ts';
import { groupByDay } from '../lib/groups.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';
import { MessageSearch } from './MessageSearch.tsx';
import { ConversationItem, conversationLabel } from './ConversationItem.tsx';

interface Props {
  conversations: Conversations;
  currentId: string | null;
  onOpen: (id: string) => void;
  /** Opens an address: a search hit's conversation at its message. */
  onOpenPath: (path: string) => void;
  onNew: () => void;
  onDeleted: (id: string) => void;
  onError: (error: unknown) => void;
}

export function Sidebar({
  conversations,
  currentId,
  onOpen,
  onOpenPath,
  onNew,
  onDeleted,
  onError,
}: Props) {
  const [query, setQuery] = useState('');
  const [deleting, setDeleting] = useState<Conversation | null>(null);
  const { status, items, hasMore, loadMore } = conversations;

  const shown = useMemo(() => {
    const needle = query.trim().toLocaleLowerCase();
    return needle === ''
      ? items
      : items.filter((item) => conversationLabel(item).toLocaleLowerCase().includes(needle));
  }, [items, query]);
  const sections = groupByDay(shown, (item) => new Date(item.updated_at), new Date());

  return (
    <>
      <button type="button" className="new-conversation" onClick={onNew}>
        New conversation
      </button>
      <div className="search">
        <label htmlFor="conversation-search" className="visually-hidden">
          Search conversations
        </label>
        <input
          id="conversation-search"
          type="search"
          placeholder="Search conversations"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            // Titles not loaded yet cannot match: fetch the rest while searching.
            if (hasMore) void loadMore();
          }}
        />
      </div>
      <MessageSearch onOpen={onOpenPath} onError={onError} />
      <div className="views" role="group" aria-label="Which conversations">
        <button
          type="button"
          aria-pressed={status === 'active'}
          onClick={() => {
            conversations.setStatus('active');
          }}
        >
          Active
        </button>
        <button
          type="button"
          aria-pressed={status === 'archived'}
          onClick={() => {
            conversations.setStatus('archived');
          }}
        >
          Archived
        </button>
      </div>
      <nav
        className="conversation-list"
        aria-label={status === 'active' ? 'Conversations' : 'Archived conversations'}
        onScroll={(event) => {
          const element = event.currentTarget;
          if (element.scrollHeight - element.scrollTop - element.clientHeight < 120)
            void loadMore();
        }}
      >
        {sections.map(({ group, items: members }) => (
          <section key={group} aria-labelledby={`group-${group}`}>
            <h3 id={`group-${group}`}>{group}</h3>
            <ul>
              {members.map((conversation) => (
                <ConversationItem
                  key={conversation.id}
                  conversation={conversation}
                  current={conversation.id === currentId}
                  onOpen={onOpen}
                  onRename={(title) => conversations.rename(conversation.id, title).catch(onError)}
                  onArchive={() => {
                    conversations
                      .archive(conversation.id, status === 'active' ? 'archived' : 'active')
                      .catch(onError);
                  }}
                  onDelete={() => {
                    setDeleting(conversation);
                  }}
                />
              ))}
            </ul>
          </section>
        ))}
        {!conversations.loading && shown.length === 0 && (
          <p className="muted">
            {query.trim() !== ''
              ? 'No conversation has that in its title.'
              : status === 'archived'
                ? 'Nothing archived.'
                : 'No conversations yet.'}
          </p>
        )}
      </nav>
      {deleting !== null && (
        <ConfirmDialog
          title="Delete this conversation?"
          body={`“${conversationLabel(deleting)}” and all its messages will be gone for good.`}
          confirmLabel="Delete"
          onCancel={() => {
            setDeleting(null);
          }}
          onConfirm={() => {
            const id = deleting.id;
            setDeleting(null);
            conversations
              .remove(id)
              .then(() => {
                onDeleted(id);
              })
              .catch(onError);
          }}
        />
      )}
    </>
  );
}
