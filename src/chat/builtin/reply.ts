// Wording: counts that agree with their nouns, lists people can read.

export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** "a", "a and b", "a, b and c" */
export function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

export interface Named {
  task_id: number;
  title: string;
  completed?: boolean;
  due_text?: string;
  priority?: 'high' | 'normal' | 'low';
}

/** " (due Friday, December 4, 2026, high priority)", or nothing for a plain task. */
export function marks(task: Named, done = false): string {
  const notes = [
    ...(done ? ['done'] : []),
    ...(task.due_text === undefined ? [] : [`due ${task.due_text}`]),
    ...(task.priority === undefined || task.priority === 'normal'
      ? []
      : [`${task.priority} priority`]),
  ];
  return notes.length === 0 ? '' : ` (${notes.join(', ')})`;
}

/** "task 3 (buy milk)" */
export const named = (task: Named): string => `task ${task.task_id} (${task.title})`;

/** "Task 3 (buy milk)" */
export const Named = (task: Named): string => `Task ${task.task_id} (${task.title})`;

/** One task a line: "3. buy milk (done)". */
export function lines(tasks: readonly Named[], markDone = true): string {
  return tasks
    .map(
      (task) => `${task.task_id}. ${task.title}${marks(task, markDone && task.completed === true)}`,
    )
    .join('\n');
}

/** "tasks 2 and 3", "task 4" */
export function numbersPhrase(numbers: readonly number[]): string {
  return `${numbers.length === 1 ? 'task' : 'tasks'} ${joinAnd(numbers.map(String))}`;
}

export const HELP =
  'I can add tasks ("add buy milk", "remind me to call mom"), show them ("what\'s left?", ' +
  '"how many tasks do I have?"), complete them ("mark 3 done", "I paid the rent"), reopen them ' +
  '("uncheck 2"), rename them ("rename 1 to call mom tonight"), delete them ("delete task 2"), ' +
  'give them dates and priorities ("move 2 to friday", "make 3 high priority", "what\'s due today?") ' +
  'and undo my last change ("undo").';
