// One conversation in the sidebar: a link to its address with the full title,
// and its actions (rename in place, archive, delete) behind one menu button.
import { useEffect, useRef, useState } from 'react';
import type { Conversation } from '../api/client.ts';
import { conversationPath } from '../state/router.ts';
import { plural } from '../lib/text.ts';

export function conversationLabel(conversation: Conversation): string {
  return conversation.title ?? 'New conversation';
}

interface Props {
  conversation: Conversation;
  current: boolean;
  onOpen: (id: string) => void;
  onRename: (title: string | null) => Promise<void>;
  onArchive: () => void;
  onDelete: () => void;
}

export function ConversationItem({
  conversation,
  current,
  onOpen,
  onRename,
  onArchive,
  onDelete,
}: Props) {
  const [menuOpen, setMenuOpen] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const label = conversationLabel(conversation);
  const menu = useRef<HTMLDivElement>(null);
  const menuButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!menuOpen) return;
    menu.current?.querySelector('button')?.focus();
    const onDown = (event: PointerEvent) => {
      if (!menu.current?.parentElement?.contains(event.target as Node)) setMenuOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    return () => {
      document.removeEventListener('pointerdown', onDown);
    };
  }, [menuOpen]);

  const updated = new Date(conversation.updated_at);
  // The group heading already says which day; the row says when within it.
  const when =
    updated.toDateString() === new Date().toDateString()
      ? updated.toLocaleTimeString([], { timeStyle: 'short' })
      : updated.toLocaleDateString([], { dateStyle: 'medium' });

  if (renaming) {
    return (
      <li className="conversation renaming">
        <form
          onSubmit={(event) => {
            event.preventDefault();
            const title = new FormData(event.currentTarget).get('title');
            const trimmed = typeof title === 'string' ? title.trim() : '';
            void onRename(trimmed === '' ? null : trimmed).then(() => {
              setRenaming(false);
            });
          }}
        >
          <label className="visually-hidden" htmlFor={`rename-${conversation.id}`}>
            New name for {label}
          </label>
          <input
            id={`rename-${conversation.id}`}
            name="title"
            defaultValue={conversation.title ?? ''}
            maxLength={200}
            autoFocus
            onKeyDown={(event) => {
              if (event.key === 'Escape') {
                event.stopPropagation();
                setRenaming(false);
              }
            }}
          />
          <div className="row">
            <button type="submit">Save</button>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setRenaming(false);
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      </li>
    );
  }

  return (
    <li className={`conversation${current ? ' current' : ''}`}>
      <a
        href={conversationPath(conversation.id)}
        aria-current={current ? 'page' : undefined}
        onClick={(event) => {
          if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
          event.preventDefault();
          onOpen(conversation.id);
        }}
      >
        <span className="title">{label}</span>
        <span className="meta">
          {plural(conversation.message_count, 'message')} · {when}
        </span>
      </a>
      <button
        ref={menuButton}
        type="button"
        className="icon menu-button"
        aria-label={`Actions for ${label}`}
        aria-haspopup="menu"
        aria-expanded={menuOpen}
        onClick={() => {
          setMenuOpen((open) => !open);
        }}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {menuOpen && (
        <div
          ref={menu}
          className="menu"
          role="menu"
          aria-label={`Actions for ${label}`}
          onKeyDown={(event) => {
            const items = [...(menu.current?.querySelectorAll('button') ?? [])];
            const at = items.indexOf(document.activeElement as HTMLButtonElement);
            if (event.key === 'Escape') {
              event.stopPropagation();
              setMenuOpen(false);
              menuButton.current?.focus();
            } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
              event.preventDefault();
              const step = event.key === 'ArrowDown' ? 1 : -1;
              items[(at + step + items.length) % items.length]?.focus();
            }
          }}
        >
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setMenuOpen(false);
              setRenaming(true);
            }}
          >
            Rename
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              setMenuOpen(false);
              onArchive();
            }}
          >
            {conversation.status === 'active' ? 'Archive' : 'Unarchive'}
          </button>
          <button
            type="button"
            role="menuitem"
            className="danger-text"
            onClick={() => {
              setMenuOpen(false);
              onDelete();
            }}
          >
            Delete
          </button>
        </div>
      )}
    </li>
  );
}
