// Search over the caller's messages and tasks (GET /api/search). A message
// hit opens its conversation at that message; a task hit names the task.
import { useState } from 'react';
import { ApiError, api, call, type SearchHit } from '../api/client.ts';
import { conversationPath } from '../state/router.ts';

interface Props {
  onOpen: (path: string) => void;
  onError: (error: unknown) => void;
}

/** The snippet with its matched words (between `**`) marked. */
function Snippet({ text }: { text: string }) {
  return (
    <>
      {text
        .split('**')
        .map((piece, index) => (index % 2 === 1 ? <mark key={index}>{piece}</mark> : piece))}
    </>
  );
}

export function MessageSearch({ onOpen, onError }: Props) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  return (
    <div className="search">
      <form
        role="search"
        aria-label="Messages and tasks"
        onSubmit={(event) => {
          event.preventDefault();
          const q = query.trim();
          if (q === '') return;
          setProblem(null);
          call(api.GET('/api/search', { params: { query: { q } } }))
            .then((results) => {
              setHits(results.hits);
            })
            .catch((error: unknown) => {
              if (error instanceof ApiError && error.signedOut) onError(error);
              else setProblem(error instanceof Error ? error.message : 'Search failed.');
            });
        }}
      >
        <label htmlFor="message-search" className="visually-hidden">
          Search messages and tasks
        </label>
        <input
          id="message-search"
          type="search"
          placeholder="Search messages, tasks"
          maxLength={200}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            if (event.target.value === '') setHits(null);
          }}
        />
      </form>
      {problem !== null && (
        <p className="problem" role="alert">
          {problem}
        </p>
      )}
      {hits !== null && (
        <>
          <p role="status" className="visually-hidden">
            {hits.length === 0 ? 'Nothing found' : `${hits.length} found`}
          </p>
          {hits.length === 0 ? (
            <p className="muted">Nothing found.</p>
          ) : (
            <ul className="search-results" aria-label="Search results">
              {hits.map((hit) => (
                <li key={hit.id}>
                  {hit.kind === 'message' && hit.conversation_id !== null && hit.seq !== null ? (
                    <a
                      href={conversationPath(hit.conversation_id, hit.seq)}
                      onClick={(event) => {
                        event.preventDefault();
                        if (hit.conversation_id !== null && hit.seq !== null)
                          onOpen(conversationPath(hit.conversation_id, hit.seq));
                      }}
                    >
                      <span className="where">
                        {hit.role === 'user' ? 'You' : 'Assistant'} in{' '}
                        {hit.conversation_title ?? 'Untitled conversation'}
                      </span>
                      <Snippet text={hit.snippet} />
                    </a>
                  ) : (
                    <span className="task-hit">
                      <span className="where">Task {hit.task_number}</span>
                      <Snippet text={hit.snippet} />
                    </span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
