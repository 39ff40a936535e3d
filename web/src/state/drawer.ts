// Which side panel is open as a drawer (phones only). An open drawer holds
// focus (the rest of the page is made inert by the workspace, and Tab wraps
// inside it) until Escape, the backdrop or its button closes it; focus then
// returns to that button.
import { useEffect, useState } from 'react';

export type Drawer = 'sidebar' | 'tasks';

const phoneQuery = matchMedia('(max-width: 760px)');
const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), textarea, summary, [tabindex="0"]';
const TOGGLES: Record<Drawer, string> = { sidebar: 'toggle-sidebar', tasks: 'toggle-tasks' };

function usePhone(): boolean {
  const [phone, setPhone] = useState(phoneQuery.matches);
  useEffect(() => {
    const onChange = (event: MediaQueryListEvent) => {
      setPhone(event.matches);
    };
    phoneQuery.addEventListener('change', onChange);
    return () => {
      phoneQuery.removeEventListener('change', onChange);
    };
  }, []);
  return phone;
}

function wrapTab(panel: HTMLElement, event: KeyboardEvent): void {
  const stops = [...panel.querySelectorAll<HTMLElement>(FOCUSABLE)].filter(
    (element) => element.getClientRects().length > 0,
  );
  const first = stops[0];
  const last = stops.at(-1);
  const active = document.activeElement;
  if (first === undefined || last === undefined) return;
  if (event.shiftKey && (active === first || !panel.contains(active))) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !panel.contains(active))) {
    event.preventDefault();
    first.focus();
  }
}

export function useDrawer(): [Drawer | null, (drawer: Drawer | null) => void] {
  const phone = usePhone();
  const [drawer, setDrawer] = useState<Drawer | null>(null);

  useEffect(() => {
    if (!phone) setDrawer(null);
  }, [phone]);

  useEffect(() => {
    if (drawer === null) return;
    const panel = document.getElementById(drawer);
    const toggle = document.getElementById(TOGGLES[drawer]);
    panel?.querySelector<HTMLElement>(FOCUSABLE)?.focus();
    const onKey = (event: KeyboardEvent) => {
      // A dialog over the drawer handles its own keys.
      if (document.querySelector('dialog[open]') !== null || panel === null) return;
      if (event.key === 'Escape') setDrawer(null);
      else if (event.key === 'Tab') wrapTab(panel, event);
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      toggle?.focus();
    };
  }, [drawer]);

  return [drawer, setDrawer];
}
