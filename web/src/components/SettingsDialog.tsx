// Settings, in a modal <dialog>: the time zone "today" is read in, the
// account's data as JSON, the open conversation as Markdown, API keys
// (created with a name, shown once, listed, revoked) and deleting the
// account, confirmed by its password.
import { useEffect, useRef, useState } from 'react';
import { ApiError, api, call, type ApiKey, type User } from '../api/client.ts';
import { download } from '../lib/download.ts';

interface Props {
  me: User;
  conversationId: string | null;
  onSaved: (me: User) => void;
  onDeleted: () => void;
  onClose: () => void;
  onSignedOut: (error: unknown) => void;
}

const BROWSER_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

function zones(current: string): string[] {
  const all = Intl.supportedValuesOf('timeZone');
  // The server may know a zone (an alias such as UTC) the list leaves out.
  return [...new Set([current, BROWSER_ZONE, ...all])].sort();
}

function when(iso: string | null): string {
  if (iso === null) return 'never used';
  return `last used ${new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}`;
}

export function SettingsDialog({
  me,
  conversationId,
  onSaved,
  onDeleted,
  onClose,
  onSignedOut,
}: Props) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [zone, setZone] = useState(me.time_zone);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [keyName, setKeyName] = useState('');
  const [newKey, setNewKey] = useState<{ name: string; key: string } | null>(null);
  const [password, setPassword] = useState('');

  useEffect(() => {
    const element = dialog.current;
    if (element !== null && !element.open) element.showModal();
  }, []);

  const fail = (error: unknown) => {
    if (error instanceof ApiError && error.signedOut) onSignedOut(error);
    else setProblem(error instanceof Error ? error.message : 'Something went wrong.');
  };

  useEffect(() => {
    call(api.GET('/api/me/api-keys'))
      .then((list) => {
        setKeys(list.keys);
      })
      .catch(fail);
    // Once, when the dialog opens.
  }, []);

  const run = (what: Promise<unknown>, done: string) => {
    setProblem(null);
    setStatus('');
    what.then(() => {
      setStatus(done);
    }, fail);
  };

  return (
    <dialog
      ref={dialog}
      className="confirm settings"
      aria-labelledby="settings-title"
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <div className="settings-head">
        <h2 id="settings-title">Settings</h2>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
      {problem !== null && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
      <p role="status" className="settings-status">
        {status}
      </p>

      <section aria-labelledby="settings-zone">
        <h3 id="settings-zone">Time zone</h3>
        <p className="muted">Due dates, “today” and “overdue” are read in this zone.</p>
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            run(
              call(api.PATCH('/api/me', { body: { time_zone: zone } })).then(onSaved),
              `Time zone saved: ${zone}.`,
            );
          }}
        >
          <label htmlFor="settings-time-zone" className="visually-hidden">
            Time zone
          </label>
          <select
            id="settings-time-zone"
            value={zone}
            onChange={(event) => {
              setZone(event.target.value);
            }}
          >
            {zones(me.time_zone).map((name) => (
              <option key={name} value={name}>
                {name === BROWSER_ZONE ? `${name} (this device)` : name}
              </option>
            ))}
          </select>
          {zone !== BROWSER_ZONE && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                setZone(BROWSER_ZONE);
              }}
            >
              Use this device’s zone
            </button>
          )}
          <button type="submit">Save time zone</button>
        </form>
      </section>

      <section aria-labelledby="settings-data">
        <h3 id="settings-data">Your data</h3>
        <div className="row">
          <button
            type="button"
            className="secondary"
            onClick={() => {
              run(download('/api/export', 'todochat-export.json'), 'Export downloaded.');
            }}
          >
            Export all data (JSON)
          </button>
          {conversationId !== null && (
            <button
              type="button"
              className="secondary"
              onClick={() => {
                run(
                  download(
                    `/api/chat/conversations/${conversationId}/export.md`,
                    'conversation.md',
                  ),
                  'Conversation downloaded.',
                );
              }}
            >
              Download this conversation (Markdown)
            </button>
          )}
        </div>
      </section>

      <section aria-labelledby="settings-keys">
        <h3 id="settings-keys">API keys</h3>
        <p className="muted">For MCP clients and scripts: send as Authorization: Bearer.</p>
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            const name = keyName.trim();
            if (name === '') return;
            run(
              call(api.POST('/api/me/api-keys', { body: { name } })).then((created) => {
                const { key, ...listed } = created;
                setNewKey({ name: created.name, key });
                setKeys((previous) => [listed, ...(previous ?? [])]);
                setKeyName('');
              }),
              `Key “${name}” created.`,
            );
          }}
        >
          <label htmlFor="settings-key-name" className="visually-hidden">
            New key name
          </label>
          <input
            id="settings-key-name"
            placeholder="Key name, e.g. Claude Desktop"
            maxLength={100}
            value={keyName}
            onChange={(event) => {
              setKeyName(event.target.value);
            }}
          />
          <button type="submit" disabled={keyName.trim() === ''}>
            Create key
          </button>
        </form>
        {newKey !== null && (
          <div className="new-key" role="group" aria-label="New API key">
            <p>Copy the key for “{newKey.name}” now: it is not shown again.</p>
            <div className="row">
              <input readOnly aria-label="The new key" value={newKey.key} />
              <button
                type="button"
                onClick={() => {
                  run(navigator.clipboard.writeText(newKey.key), 'Key copied.');
                }}
              >
                Copy key
              </button>
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  setNewKey(null);
                }}
              >
                Done
              </button>
            </div>
          </div>
        )}
        {keys !== null && keys.length === 0 && <p className="muted">No keys yet.</p>}
        {keys !== null && keys.length > 0 && (
          <ul className="key-list" aria-label="API keys">
            {keys.map((key) => (
              <li key={key.id}>
                <span>
                  <strong>{key.name}</strong> <code>{key.hint}</code>
                  <span className="muted"> · {when(key.last_used_at)}</span>
                </span>
                <button
                  type="button"
                  className="danger"
                  aria-label={`Revoke key ${key.name}`}
                  onClick={() => {
                    run(
                      call(
                        api.DELETE('/api/me/api-keys/{id}', { params: { path: { id: key.id } } }),
                      ).then(() => {
                        setKeys((previous) =>
                          (previous ?? []).filter((item) => item.id !== key.id),
                        );
                      }),
                      `Key “${key.name}” revoked.`,
                    );
                  }}
                >
                  Revoke
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="settings-delete">
        <h3 id="settings-delete">Delete account</h3>
        <p className="muted">
          Deletes {me.email} with all its tasks and conversations, at once and for good.
        </p>
        <form
          className="row"
          onSubmit={(event) => {
            event.preventDefault();
            setProblem(null);
            call(api.DELETE('/api/me', { body: { password } })).then(onDeleted, fail);
          }}
        >
          <label htmlFor="settings-password" className="visually-hidden">
            Password to confirm
          </label>
          <input
            id="settings-password"
            type="password"
            autoComplete="current-password"
            placeholder="Your password"
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
            }}
          />
          <button type="submit" className="danger" disabled={password === ''}>
            Delete account
          </button>
        </form>
      </section>
    </dialog>
  );
}
