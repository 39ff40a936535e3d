// An empty conversation: what the assistant can do, as prompts that send on click.
export const SUGGESTIONS = [
  'Add a task to buy milk',
  'What is on my list?',
  'Mark task 1 as done',
  'What have I completed?',
];

export function Welcome({ onPick }: { onPick: (prompt: string) => void }) {
  return (
    <section className="welcome" aria-labelledby="welcome-title">
      <h2 id="welcome-title">What shall we get done?</h2>
      <p>Tell the assistant what to add, finish, change or list. Try one of these:</p>
      <ul className="suggestions">
        {SUGGESTIONS.map((prompt) => (
          <li key={prompt}>
            <button
              type="button"
              className="suggestion"
              onClick={() => {
                onPick(prompt);
              }}
            >
              {prompt}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
