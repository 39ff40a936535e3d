// A signed-in person's page: the top bar, the conversations, the open
// conversation and the tasks. The page's state lives here and flows down;
// on a phone the two side panels become drawers.
import type { UIMessage } from 'ai';
import { Suspense, useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, call, type User } from '../api/client.ts';
import { useConversations } from '../state/conversations.ts';
import { useDrawer } from '../state/drawer.ts';
import { loadHistory, seedEmptyHistory } from '../state/history.ts';
import { conversationPath, type Route } from '../state/router.ts';
import { useTasks } from '../state/tasks.ts';
import { useTheme } from '../state/theme.ts';
import { touchesTasks } from '../lib/tool-parts.ts';
import { ConversationView } from './ConversationView.tsx';
import { SettingsDialog } from './SettingsDialog.tsx';
import { Sidebar } from './Sidebar.tsx';
import { TasksPanel } from './TasksPanel.tsx';
import { TopBar } from './TopBar.tsx';

interface Props {
  route: Route;
  navigate: (path: string, options?: { replace?: boolean }) => void;
  onSignOut: (notice?: string) => void;
}

export function Workspace({ route, navigate, onSignOut }: Props) {
  const currentId = route.name === 'conversation' ? route.id : null;
  const currentSeq = route.name === 'conversation' ? route.seq : undefined;
  // Started during the first render, alongside /api/me: one round trip to the thread.
  if (currentId !== null) void loadHistory(currentId, currentSeq);

  const [me, setMe] = useState<User | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [theme, toggleTheme] = useTheme();
  const [drawer, setDrawer] = useDrawer();
  const inputRef = useRef<HTMLTextAreaElement>(null);

  const handleError = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.signedOut)
        onSignOut('Your session has ended. Please sign in again.');
      else setProblem(error instanceof Error ? error.message : 'Something went wrong.');
    },
    [onSignOut],
  );
  const conversations = useConversations(handleError);
  const tasks = useTasks(handleError);
  const refreshConversations = conversations.refresh;

  useEffect(() => {
    call(api.GET('/api/me')).then(setMe).catch(handleError);
  }, [handleError]);

  useEffect(() => {
    if (route.name !== 'home') return;
    call(api.POST('/api/chat/conversations', { body: {} }))
      .then((conversation) => {
        navigate(conversationPath(conversation.id), { replace: true });
        // It may have just been created, after the sidebar's first page was read.
        if (conversation.message_count === 0) void refreshConversations();
      })
      .catch(handleError);
  }, [route, navigate, handleError, refreshConversations]);

  const open = useCallback(
    (id: string) => {
      setDrawer(null);
      navigate(conversationPath(id));
    },
    [navigate],
  );

  const startNew = useCallback(() => {
    call(api.POST('/api/chat/conversations', { body: { new: true } }))
      .then((conversation) => {
        seedEmptyHistory(conversation.id);
        conversations.setStatus('active');
        void conversations.refresh();
        open(conversation.id);
        inputRef.current?.focus();
      })
      .catch(handleError);
  }, [conversations, open, handleError]);

  const onTurnDone = useCallback(
    (reply: UIMessage) => {
      void conversations.refresh();
      if (touchesTasks(reply)) void tasks.refresh();
    },
    [conversations, tasks],
  );

  const drawerOpen = drawer !== null;
  return (
    <div className="app">
      <a
        inert={drawerOpen}
        className="skip-link"
        href="#message"
        onClick={(event) => {
          event.preventDefault();
          inputRef.current?.focus();
        }}
      >
        Skip to message box
      </a>
      <div inert={drawerOpen}>
        <TopBar
          email={me?.email ?? ''}
          theme={theme}
          openDrawer={drawer}
          onToggleDrawer={(which) => {
            setDrawer(drawer === which ? null : which);
          }}
          onToggleTheme={toggleTheme}
          onSettings={() => {
            setSettingsOpen(true);
          }}
          onSignOut={() => {
            onSignOut();
          }}
        />
        {problem !== null && (
          <div className="banner" role="alert">
            <p>{problem}</p>
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setProblem(null);
              }}
            >
              Dismiss
            </button>
          </div>
        )}
      </div>
      <div className="layout">
        <aside
          id="sidebar"
          className={`sidebar${drawer === 'sidebar' ? ' open' : ''}`}
          aria-label="Conversations"
          inert={drawerOpen && drawer !== 'sidebar'}
        >
          <Sidebar
            conversations={conversations}
            currentId={currentId}
            onOpen={open}
            onOpenPath={(path) => {
              setDrawer(null);
              navigate(path);
            }}
            onNew={startNew}
            onDeleted={(id) => {
              if (id === currentId) navigate('/', { replace: true });
            }}
            onError={handleError}
          />
        </aside>
        <main className="thread" aria-label="Conversation" inert={drawerOpen}>
          {currentId === null || me === null ? (
            <p className="column loading">Loading…</p>
          ) : (
            <Suspense fallback={<p className="column loading">Loading…</p>}>
              <ConversationView
                id={currentId}
                seq={currentSeq}
                userId={me.id}
                inputRef={inputRef}
                onTurnDone={onTurnDone}
                onSignedOut={handleError}
              />
            </Suspense>
          )}
        </main>
        <aside
          id="tasks"
          className={`tasks${drawer === 'tasks' ? ' open' : ''}`}
          aria-labelledby="tasks-title"
          inert={drawerOpen && drawer !== 'tasks'}
        >
          <TasksPanel
            tasks={tasks}
            timeZone={me?.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone}
          />
        </aside>
      </div>
      {settingsOpen && me !== null && (
        <SettingsDialog
          me={me}
          conversationId={currentId}
          onSaved={(changed) => {
            setMe(changed);
            // Overdue and today move with the zone.
            void tasks.refresh();
          }}
          onDeleted={() => {
            onSignOut('Your account has been deleted.');
          }}
          onClose={() => {
            setSettingsOpen(false);
          }}
          onSignedOut={handleError}
        />
      )}
      {drawerOpen && (
        <div
          className="backdrop"
          aria-hidden="true"
          onClick={() => {
            setDrawer(null);
          }}
        />
      )}
    </div>
  );
}
