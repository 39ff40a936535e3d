// Which task a few words mean: "the milk one", "buy milk", "I paid the rent"
// for "pay rent". Words are compared in base form (stemmed, irregular pasts
// undone), with a small edit distance for typos, so the user's words need
// not be the title's.
import { distance } from 'fastest-levenshtein';
import { FILLER_WORDS, wordForm } from './words.ts';

export interface TitledTask {
  task_id: number;
  title: string;
  description?: string | null;
  completed: boolean;
  /** As list_tasks says them, when set. */
  due?: string;
  due_text?: string;
  priority?: 'high' | 'normal' | 'low';
}

export function contentWords(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/’/g, "'")
      .match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? []
  ).filter((word) => !FILLER_WORDS.has(word));
}

function similar(wanted: string, have: string): boolean {
  if (wanted === have) return true;
  const a = wordForm(wanted);
  const b = wordForm(have);
  if (a === b) return true;
  if (a.length >= 3 && b.startsWith(a)) return true;
  if (b.length >= 4 && a.startsWith(b)) return true;
  const allowed = Math.min(a.length, b.length) >= 7 ? 2 : Math.min(a.length, b.length) >= 4 ? 1 : 0;
  return allowed > 0 && distance(wanted, have) <= allowed;
}

/** How well `query` names `title`: 0 when a content word of the query is missing from it. */
export function titleScore(query: string, title: string, optional: readonly string[] = []): number {
  const wanted = contentWords(query);
  const have = contentWords(title);
  if (wanted.length === 0 || have.length === 0) return 0;
  const found = wanted.filter((word) => have.some((part) => similar(word, part)));
  // Every word the user said must be in the title, but a typo or a stray
  // word in a longer query is forgiven when most of it matches.
  const share = found.length / wanted.length;
  if (share < 1 && !(wanted.length >= 3 && share >= 0.66)) return 0;
  const covered = have.filter((part) =>
    [...wanted, ...optional].some((word) => similar(word, part)),
  );
  return share + covered.length / have.length / 2;
}

export type Match =
  { kind: 'one'; task: TitledTask } | { kind: 'several'; tasks: TitledTask[] } | { kind: 'none' };

/**
 * The task a description names. Exact titles win; otherwise the best score
 * wins when clearly ahead, and near ties are "several" for the user to pick.
 * `optional` words (a verb the user used) count only to break ties.
 */
export function matchTitle(
  query: string,
  tasks: readonly TitledTask[],
  optional: readonly string[] = [],
): Match {
  const exact = tasks.filter(
    (task) => task.title.trim().toLowerCase() === query.trim().toLowerCase(),
  );
  if (exact.length === 1 && exact[0] !== undefined) return { kind: 'one', task: exact[0] };
  const scored = tasks
    .map((task) => ({ task, score: titleScore(query, task.title, optional) }))
    .filter((entry) => entry.score > 0)
    .sort((a, b) => b.score - a.score);
  const [best, next] = scored;
  if (best === undefined) return { kind: 'none' };
  if (next === undefined || best.score - next.score >= 0.2) return { kind: 'one', task: best.task };
  return {
    kind: 'several',
    tasks: scored.filter((entry) => best.score - entry.score < 0.2).map((entry) => entry.task),
  };
}
