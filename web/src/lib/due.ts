// Due dates as the task panel shows them: the day is the server's (`due_date`,
// already in the user's time zone), so only "today" is computed here, in that
// same zone, never the browser's.
import type { Task } from '../api/client.ts';

export const DUE_GROUPS = ['Overdue', 'Today', 'Upcoming', 'No date'] as const;
export type DueGroup = (typeof DUE_GROUPS)[number];

/** YYYY-MM-DD of `now` in `timeZone`: the format `due_date` uses, so the two compare as strings. */
export function dayIn(timeZone: string, now: Date): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export function dueGroup(
  task: Pick<Task, 'due_date' | 'due_at'>,
  today: string,
  now: Date,
): DueGroup {
  if (task.due_date === null) return 'No date';
  // A time of day that has passed is overdue even on its own day.
  if (task.due_date < today || (task.due_at !== null && new Date(task.due_at) < now))
    return 'Overdue';
  return task.due_date === today ? 'Today' : 'Upcoming';
}

/** Pending tasks in their sections, in DUE_GROUPS order, keeping the server's order within each. */
export function groupByDue<T extends Pick<Task, 'due_date' | 'due_at'>>(
  tasks: readonly T[],
  today: string,
  now: Date,
): { group: DueGroup; tasks: T[] }[] {
  const sections = new Map<DueGroup, T[]>(DUE_GROUPS.map((group) => [group, []]));
  for (const task of tasks) sections.get(dueGroup(task, today, now))?.push(task);
  return DUE_GROUPS.flatMap((group) => {
    const members = sections.get(group) ?? [];
    return members.length > 0 ? [{ group, tasks: members }] : [];
  });
}

/** The badge's words: "Today", "Tomorrow", "Fri, Dec 4", with the time when one was given. */
export function dueLabel(
  task: Pick<Task, 'due_date' | 'due_at'>,
  today: string,
  timeZone: string,
): string {
  if (task.due_date === null) return '';
  const [year, month, day] = task.due_date.split('-').map(Number) as [number, number, number];
  const noonUtc = new Date(Date.UTC(year, month - 1, day, 12));
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  const days = Math.round((noonUtc.getTime() - Date.UTC(ty, tm - 1, td, 12)) / 86_400_000);
  const date =
    days === 0
      ? 'Today'
      : days === 1
        ? 'Tomorrow'
        : days === -1
          ? 'Yesterday'
          : new Intl.DateTimeFormat('en-US', {
              weekday: 'short',
              month: 'short',
              day: 'numeric',
              ...(year === ty ? {} : { year: 'numeric' }),
              timeZone: 'UTC',
            }).format(noonUtc);
  if (task.due_at === null) return date;
  const time = new Intl.DateTimeFormat('en-US', {
    hour: 'numeric',
    minute: '2-digit',
    timeZone,
  }).format(new Date(task.due_at));
  return `${date} ${time}`;
}
