// Light or dark: the system's choice until the person picks one with the
// toggle, which is remembered on this device.
import { useCallback, useEffect, useState } from 'react';

export type Theme = 'light' | 'dark';
const THEME_KEY = 'todochat.theme';
const darkQuery = matchMedia('(prefers-color-scheme: dark)');

function chosen(): Theme | null {
  const value = localStorage.getItem(THEME_KEY);
  return value === 'light' || value === 'dark' ? value : null;
}

/** Applied before the first render, so a dark page never flashes light. */
export function applyStoredTheme(): void {
  const theme = chosen();
  if (theme !== null) document.documentElement.dataset.theme = theme;
}

export function useTheme(): [Theme, () => void] {
  const [system, setSystem] = useState<Theme>(darkQuery.matches ? 'dark' : 'light');
  const [choice, setChoice] = useState<Theme | null>(chosen);
  useEffect(() => {
    const onChange = (event: MediaQueryListEvent) => {
      setSystem(event.matches ? 'dark' : 'light');
    };
    darkQuery.addEventListener('change', onChange);
    return () => {
      darkQuery.removeEventListener('change', onChange);
    };
  }, []);
  const theme = choice ?? system;
  const toggle = useCallback(() => {
    const next: Theme = theme === 'dark' ? 'light' : 'dark';
    localStorage.setItem(THEME_KEY, next);
    document.documentElement.dataset.theme = next;
    setChoice(next);
  }, [theme]);
  return [theme, toggle];
}
