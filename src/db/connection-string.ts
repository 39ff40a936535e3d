// DATABASE_URL as libpq reads it, including the multi-host form that names a
// primary and its standbys: postgres://user@db1:5432,db2:5432/app?target_session_attrs=read-write
// The pg driver connects to one host only, so the list is split here into one
// URL per server, and src/db/host-list-pool.ts walks it.

/** Which server of a list may serve the store (libpq's target_session_attrs). */
export type TargetSessionAttrs = 'any' | 'read-write';

export interface ConnectionTarget {
  /** One single-host URL per server, in the order given. */
  readonly servers: readonly string[];
  readonly targetSessionAttrs: TargetSessionAttrs;
}

export class ConnectionStringError extends Error {
  override name = 'ConnectionStringError';
}

const SHAPE = /^(postgres(?:ql)?:\/\/)(?:([^@/?#]*)@)?([^/?#]*)(.*)$/s;
const HOST_AND_PORT = /^(\[[^\]]+\]|[^:[\]]+)(?::(\d{1,5}))?$/;

// The store writes, so a list must lead it to the primary: `primary` and
// `read-write` both mean that here, and the standby-seeking values are refused.
const ATTRS: Readonly<Record<string, TargetSessionAttrs>> = {
  any: 'any',
  'read-write': 'read-write',
  primary: 'read-write',
};

export function parseConnectionString(url: string): ConnectionTarget {
  const match = SHAPE.exec(url);
  if (match === null) {
    throw new ConnectionStringError('must be a postgres:// or postgresql:// URL');
  }
  const [, scheme = '', userInfo, hostList = '', rest = ''] = match;
  const hosts = hostList.split(',');
  if (hosts.some((host) => !HOST_AND_PORT.test(host))) {
    throw new ConnectionStringError('each host must be host or host:port, separated by commas');
  }
  let targetSessionAttrs: TargetSessionAttrs = 'any';
  const servers = hosts.map((host) => {
    let parsed: URL;
    try {
      parsed = new URL(`${scheme}${userInfo === undefined ? '' : `${userInfo}@`}${host}${rest}`);
    } catch {
      throw new ConnectionStringError('must be a postgres:// or postgresql:// URL');
    }
    const attrs = parsed.searchParams.get('target_session_attrs');
    if (attrs !== null) {
      const known = ATTRS[attrs];
      if (known === undefined) {
        throw new ConnectionStringError(
          `target_session_attrs must be ${Object.keys(ATTRS).join(', ')} (the store writes, so it needs the primary)`,
        );
      }
      targetSessionAttrs = known;
      // Not a server setting: the driver would otherwise pass it on.
      parsed.searchParams.delete('target_session_attrs');
    }
    return parsed.toString();
  });
  return { servers, targetSessionAttrs };
}

/** The URL with any password hidden, for logs and status lines. */
export function redactConnectionString(url: string): string {
  const match = SHAPE.exec(url);
  if (match === null) return '(unparseable DATABASE_URL)';
  const [, scheme = '', userInfo, hostList = '', rest = ''] = match;
  if (userInfo === undefined) return url;
  const colon = userInfo.indexOf(':');
  const user = colon === -1 ? userInfo : `${userInfo.slice(0, colon)}:***`;
  return `${scheme}${user}@${hostList}${rest}`;
}
