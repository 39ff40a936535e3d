// The message box: grows with its text, counts characters near the limit,
// sends on Enter (Shift+Enter for a new line), and turns into Stop while the
// assistant answers.
import { useLayoutEffect, useState, type RefObject } from 'react';
import { COUNTER_FROM, USER_MESSAGE_MAX, characters } from '../lib/text.ts';

interface Props {
  inputRef: RefObject<HTMLTextAreaElement | null>;
  busy: boolean;
  onSend: (text: string) => void;
  onStop: () => void;
}

export function Composer({ inputRef, busy, onSend, onStop }: Props) {
  const [text, setText] = useState('');
  const [problem, setProblem] = useState('');
  const count = characters(text);
  const over = count > USER_MESSAGE_MAX;

  useLayoutEffect(() => {
    const input = inputRef.current;
    if (input === null) return;
    input.style.height = 'auto';
    input.style.height = `${input.scrollHeight + 2}px`;
  }, [text, inputRef]);

  function submit() {
    if (busy || text.trim() === '') return;
    if (over) {
      setProblem(`Messages can be at most ${USER_MESSAGE_MAX} characters; this one has ${count}.`);
      return;
    }
    setProblem('');
    onSend(text);
    setText('');
  }

  return (
    <form
      className="composer"
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      {problem !== '' && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <div className="composer-row">
        <label htmlFor="message" className="visually-hidden">
          Message
        </label>
        <textarea
          id="message"
          ref={inputRef}
          rows={1}
          value={text}
          placeholder="Message the assistant"
          aria-describedby="counter"
          onChange={(event) => {
            setText(event.target.value);
            if (problem !== '') setProblem('');
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
              event.preventDefault();
              submit();
            }
          }}
        />
        {busy ? (
          <button type="button" className="stop" onClick={onStop}>
            Stop
          </button>
        ) : (
          <button type="submit" disabled={over || text.trim() === ''}>
            Send
          </button>
        )}
      </div>
      <p id="counter" className={`counter${over ? ' over' : ''}`}>
        {count >= COUNTER_FROM ? `${count} / ${USER_MESSAGE_MAX}` : ''}
      </p>
    </form>
  );
}
