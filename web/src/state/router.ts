// Addresses: `/` opens the active conversation, `/c/<id>` a given one. The
// History API keeps Back/Forward and reloads on the conversation in view.
import { useCallback, useEffect, useState } from 'react';

// `seq` opens the conversation at that message (a search hit): `/c/<id>?seq=12`.
export type Route = { name: 'home' } | { name: 'conversation'; id: string; seq?: number };

export function parseRoute(path: string): Route {
  const [pathname = '', search = ''] = path.split('?');
  const match = /^\/c\/([^/]+)\/?$/.exec(pathname);
  if (match?.[1] === undefined) return { name: 'home' };
  const id = decodeURIComponent(match[1]);
  const seq = Number(new URLSearchParams(search).get('seq') ?? 'NaN');
  return Number.isSafeInteger(seq) && seq > 0
    ? { name: 'conversation', id, seq }
    : { name: 'conversation', id };
}

export function conversationPath(id: string, seq?: number): string {
  return `/c/${encodeURIComponent(id)}${seq === undefined ? '' : `?seq=${seq}`}`;
}

export function useRoute(): [Route, (path: string, options?: { replace?: boolean }) => void] {
  const [route, setRoute] = useState(() => parseRoute(location.pathname + location.search));
  useEffect(() => {
    const onPop = () => {
      setRoute(parseRoute(location.pathname + location.search));
    };
    addEventListener('popstate', onPop);
    return () => {
      removeEventListener('popstate', onPop);
    };
  }, []);
  const navigate = useCallback((path: string, options: { replace?: boolean } = {}) => {
    if (path !== location.pathname + location.search) {
      if (options.replace === true) history.replaceState(null, '', path);
      else history.pushState(null, '', path);
    }
    setRoute(parseRoute(path));
  }, []);
  return [route, navigate];
}
