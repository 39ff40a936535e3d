// The bar across the top: drawer buttons on a phone, the theme toggle, who
// is signed in, settings, and Sign out.
import type { Drawer } from '../state/drawer.ts';
import type { Theme } from '../state/theme.ts';

interface Props {
  email: string;
  theme: Theme;
  openDrawer: Drawer | null;
  onToggleDrawer: (drawer: Drawer) => void;
  onToggleTheme: () => void;
  onSettings: () => void;
  onSignOut: () => void;
}

export function TopBar({
  email,
  theme,
  openDrawer,
  onToggleDrawer,
  onToggleTheme,
  onSettings,
  onSignOut,
}: Props) {
  return (
    <header className="topbar">
      <button
        type="button"
        className="icon drawer-toggle"
        id="toggle-sidebar"
        aria-label="Conversations"
        aria-controls="sidebar"
        aria-expanded={openDrawer === 'sidebar'}
        onClick={() => {
          onToggleDrawer('sidebar');
        }}
      >
        <span aria-hidden="true">☰</span>
      </button>
      <h1>todochat</h1>
      <span className="who">{email}</span>
      <button
        type="button"
        className="icon"
        aria-label={theme === 'dark' ? 'Use light theme' : 'Use dark theme'}
        onClick={onToggleTheme}
      >
        <span aria-hidden="true">{theme === 'dark' ? '☀' : '☾'}</span>
      </button>
      <button
        type="button"
        className="icon drawer-toggle"
        id="toggle-tasks"
        aria-label="Tasks"
        aria-controls="tasks"
        aria-expanded={openDrawer === 'tasks'}
        onClick={() => {
          onToggleDrawer('tasks');
        }}
      >
        <span aria-hidden="true">✓</span>
      </button>
      <button type="button" className="icon" aria-label="Settings" onClick={onSettings}>
        <span aria-hidden="true">⚙</span>
      </button>
      <button type="button" className="secondary" onClick={onSignOut}>
        Sign out
      </button>
    </header>
  );
}
