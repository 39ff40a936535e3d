// Addresses: `/` opens the active conversation, `/c/<id>` a given one. The
// History API keeps Back/Forward and reloads on the conversation in view.
import { useCallback, useEffect, useState } from 'react';

export type Route = { name: 'home' } | { name: 'conversation'; id: string };

export function parseRoute(pathname: string): Route {
  const match = /^\/c\/([^/]+)\/?$/.exec(pathname);
  return match?.[1] === undefined
    ? { name: 'home' }
    : { name: 'conversation', id: decodeURIComponent(match[1]) };
}

export function conversationPath(id: string): string {
  return `/c/${encodeURIComponent(id)}`;
}

export function useRoute(): [Route, (path: string, options?: { replace?: boolean }) => void] {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const onPop = () => {
      setRoute(parseRoute(location.pathname));
    };
    addEventListener('popstate', onPop);
    return () => {
      removeEventListener('popstate', onPop);
    };
  }, []);
  const navigate = useCallback((path: string, options: { replace?: boolean } = {}) => {
    if (path !== location.pathname) {
      if (options.replace === true) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
    }
    setRoute(parseRoute(path));
  }, []);
  return [route, navigate];
}
