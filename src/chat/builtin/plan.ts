// The assistant's turn as a pure function: from the user's message, the
// memory carried by the conversation and the tool results so far, what to
// do next: call tools, or answer in words. It runs in up to four rounds:
//   look  list the tasks, when a reference needs resolving (titles, "it",
//         "the first one", "all done ones") or a reply needs titles;
//   act   every change the message asked for, at once;
//   then  finishing touches that need the act's results (a re-added task
//         that was done is completed again);
//   show  the list, when the message also asked to see it.
import type { Action, Change, Clause, Priority, Status, Target } from './intent.ts';
import { matchTitle, type TitledTask } from './match.ts';
import type { Candidate, Memory, Pending, UndoStep } from './memory.ts';
import { parseMessage, parseReference, parseTitles } from './parse.ts';
import { HELP, joinAnd, lines, marks, Named, named, numbersPhrase, plural } from './reply.ts';

export type ToolName = 'add_task' | 'list_tasks' | 'complete_task' | 'delete_task' | 'update_task';
export type Phase = 'look' | 'act' | 'then' | 'show';

export interface ToolCall {
  toolName: ToolName;
  input: Record<string, unknown>;
}

/** A tool's answer in this turn, tagged with the round and position of its call. */
export interface Outcome {
  phase: Phase;
  index: number;
  toolName: string;
  ok: boolean;
  value: unknown;
}

/** Tool calls to make (`indices` number them within their round when it spans steps), or the answer. */
export type Step =
  { phase: Phase; calls: ToolCall[]; indices?: number[] } | { text: string; memory: Memory };

/** New tasks get numbers in the order they are added, so a few are added one step at a time. */
const SEQUENTIAL_ADDS = 3;

type Item =
  | { kind: 'act'; action: Action; confirmed: boolean; except: Target[] }
  | { kind: 'ask'; action: Action }
  | { kind: 'offer'; action: Action }
  | { kind: 'not'; action?: Action; target?: Target }
  | { kind: 'say'; text: string; pending?: Pending };

const SOCIAL_REPLY = {
  greet: `Hello! I'm your todo assistant. ${HELP}`,
  thanks: "You're welcome! Anything else for your list?",
  bye: 'Goodbye! Your list will be here when you come back.',
  help: HELP,
  offtopic: `I can only help with your todo list, so I can't answer that. ${HELP}`,
} as const;

const VERB: Readonly<Record<Change, string>> = {
  complete: 'mark',
  reopen: 'reopen',
  delete: 'delete',
  rename: 'rename',
  describe: 'update',
  due: 'reschedule',
  priority: 'change the priority of',
};

/** The tools' priority words: "medium" is their "normal". */
const toolPriority = (priority: Priority): 'high' | 'normal' | 'low' =>
  priority === 'medium' ? 'normal' : priority;

/** list_tasks' input for a list request. */
function listInput(action: Extract<Action, { type: 'list' }> | undefined): Record<string, unknown> {
  const input: Record<string, unknown> = { status: action?.status ?? 'all' };
  if (action?.due !== undefined) input.due = action.due;
  if (action?.priority !== undefined) input.priority = toolPriority(action.priority);
  return input;
}

// ------------------------------------------------------------ interpreting

function targetPhrase(target: Target | undefined): string {
  if (target === undefined) return 'that';
  switch (target.kind) {
    case 'numbers':
      return numbersPhrase(target.numbers);
    case 'title':
      return `"${target.query}"`;
    case 'all':
      return target.status === 'all' ? 'all your tasks' : `all ${target.status} tasks`;
    case 'positions':
      return 'that task';
    case 'it':
      return 'it';
    case 'several':
      return joinAnd(target.targets.map(targetPhrase));
  }
}

function notText(action: Action | undefined, target: Target | undefined): string {
  if (action === undefined) return `OK, I'll leave ${targetPhrase(target)} alone.`;
  switch (action.type) {
    case 'add':
      return `OK, I won't add ${joinAnd(action.tasks.map((task) => `"${task.title}"`))}.`;
    case 'change':
      if (action.change === 'complete')
        return `OK, I won't mark ${targetPhrase(action.target)} as done.`;
      return `OK, I won't ${VERB[action.change]} ${targetPhrase(action.target)}.`;
    case 'restore':
      return `OK, I won't bring ${targetPhrase(action.target)} back.`;
    case 'undo':
      return "OK, I won't undo anything.";
    default:
      return "OK, I won't do that.";
  }
}

/** Turns clauses into work, answering the pending question first if the message answers it. */
function interpret(clauses: readonly Clause[], memory: Memory, message: string): Item[] {
  const items: Item[] = [];
  let rest = clauses;
  const pending = memory.pending;
  const [first] = clauses;
  if (pending !== undefined && first !== undefined) {
    const answer = answerPending(pending, first, message);
    if (answer !== undefined) {
      items.push(...answer);
      rest = clauses.slice(1);
    }
  }
  for (const clause of rest) {
    switch (clause.mode) {
      case 'do':
        items.push({ kind: 'act', action: clause.action, confirmed: false, except: [] });
        break;
      case 'ask':
        items.push({ kind: 'ask', action: clause.action });
        break;
      case 'offer':
        items.push({ kind: 'offer', action: clause.action });
        break;
      case 'not': {
        const earlier = items.filter(
          (item): item is Extract<Item, { kind: 'act' }> => item.kind === 'act',
        );
        if (clause.action !== undefined) {
          const negated = clause.action;
          const dropped = earlier.filter(
            (item) =>
              item.action.type === negated.type &&
              (negated.type !== 'change' ||
                (item.action.type === 'change' && item.action.change === negated.change)),
          );
          for (const item of dropped) items.splice(items.indexOf(item), 1);
          items.push({ kind: 'not', action: negated });
        } else if (clause.target !== undefined && earlier.length > 0) {
          for (const item of earlier) item.except.push(clause.target);
        } else {
          items.push({
            kind: 'not',
            ...(clause.target === undefined ? {} : { target: clause.target }),
          });
        }
        break;
      }
      case 'cancel':
      case 'no': {
        const acts = items.filter((item) => item.kind === 'act');
        if (acts.length > 0) {
          for (const item of acts) items.splice(items.indexOf(item), 1);
          items.push({ kind: 'say', text: "OK, I won't do that. Nothing was changed." });
        } else if (clause.mode === 'cancel' || clauses.length === 1) {
          items.push({
            kind: 'say',
            text:
              (memory.undo?.length ?? 0) > 0
                ? 'OK, I won\'t change anything. If you meant my last change, say "undo" to reverse it.'
                : "OK, I won't change anything.",
          });
        }
        break;
      }
      case 'yes':
        if (clauses.length === 1)
          items.push({ kind: 'say', text: 'OK! What would you like to do with your list?' });
        break;
      case 'pick':
        items.push({
          kind: 'say',
          text:
            clause.target.kind === 'numbers'
              ? `What should I do with ${numbersPhrase(clause.target.numbers)}? You can mark it done, rename it or delete it.`
              : 'Which task do you mean, and what should I do with it?',
        });
        break;
      case 'social':
        if (clause.social === 'greet' && rest.length > 1)
          items.push({ kind: 'say', text: 'Hello!' });
        else if (clause.social !== 'thanks' || !rest.some((other) => other.mode === 'do')) {
          items.push({ kind: 'say', text: SOCIAL_REPLY[clause.social] });
        }
        break;
      case 'more': {
        const last = memory.last;
        if (last?.type === 'add') {
          const tasks = parseTitles(clause.text);
          if (tasks.length > 0)
            items.push({
              kind: 'act',
              action: { type: 'add', tasks },
              confirmed: false,
              except: [],
            });
        } else if (last?.type === 'change' && clause.target !== undefined) {
          items.push({
            kind: 'act',
            action: { type: 'change', change: last.change, target: clause.target },
            confirmed: false,
            except: [],
          });
        } else {
          items.push({ kind: 'offer', action: { type: 'add', tasks: parseTitles(clause.text) } });
        }
        break;
      }
      case 'need-title':
        items.push({
          kind: 'say',
          text: 'What should I add? Tell me the task, e.g. "buy milk".',
          pending: { kind: 'title' },
        });
        break;
      case 'unknown': {
        const others = rest.some((other) => other.mode !== 'unknown');
        const title = clause.text.trim();
        const commandLike =
          /\b(?:task|tasks|todo|#?\d+|not|don't|never|delete|remove|mark|complete|undo|rename)\b/i.test(
            title,
          );
        if (
          !others &&
          !commandLike &&
          title.split(/\s+/).length <= 8 &&
          !/[?]$/.test(message.trim())
        ) {
          items.push({ kind: 'offer', action: { type: 'add', tasks: [{ title }] } });
        } else if (!others) {
          items.push({ kind: 'say', text: `Sorry, I didn't catch that. ${HELP}` });
        } else if (
          /\b(?:add|delete|remove|mark|complete|finish|rename|change|edit|undo|clear|show|list|tick|check)\b/i.test(
            title,
          )
        ) {
          items.push({
            kind: 'say',
            text: `I didn't understand "${title}", so I left that part alone.`,
          });
        }
        break;
      }
    }
  }
  return items;
}

function withTarget(action: Action, target: Target): Action {
  if (action.type === 'change' || action.type === 'restore' || action.type === 'status')
    return { ...action, target };
  return action;
}

/** The items an answer to the pending question makes, or undefined when it is a new request. */
function answerPending(pending: Pending, clause: Clause, message: string): Item[] | undefined {
  if (pending.kind === 'title') {
    if (clause.mode === 'unknown' || (clause.mode === 'offer' && clause.action.type === 'add')) {
      const title = clause.mode === 'unknown' ? clause.text : message.trim();
      return [
        {
          kind: 'act',
          action: { type: 'add', tasks: [{ title: title.replace(/[.!]+$/, '') }] },
          confirmed: true,
          except: [],
        },
      ];
    }
    if (clause.mode === 'pick' && clause.target.kind === 'title') {
      return [
        {
          kind: 'act',
          action: { type: 'add', tasks: [{ title: message.trim().replace(/[.!]+$/, '') }] },
          confirmed: true,
          except: [],
        },
      ];
    }
    if (clause.mode === 'no' || clause.mode === 'cancel')
      return [{ kind: 'say', text: "OK, I won't add anything." }];
    return undefined;
  }
  if (pending.kind === 'confirm') {
    if (clause.mode === 'yes')
      return [{ kind: 'act', action: pending.action, confirmed: true, except: [] }];
    if (clause.mode === 'no' || clause.mode === 'cancel')
      return [{ kind: 'not', action: pending.action }];
    if (clause.mode === 'not' && clause.target !== undefined && clause.action === undefined) {
      return [{ kind: 'not', target: clause.target }];
    }
    return undefined;
  }
  // "which one?"
  const candidates: TitledTask[] = pending.candidates.map((candidate) => ({
    ...candidate,
    completed: false,
  }));
  const choose = (chosen: Candidate[]): Item[] => [
    {
      kind: 'act',
      action: withTarget(pending.action, {
        kind: 'numbers',
        numbers: chosen.map((task) => task.task_id),
      }),
      confirmed: true,
      except: [],
    },
  ];
  const reask: Item = {
    kind: 'say',
    text: `Which one? Tell me its number: ${joinAnd(pending.candidates.map((task) => String(task.task_id)))}.`,
    pending,
  };
  if (clause.mode === 'no' || clause.mode === 'cancel')
    return [{ kind: 'not', action: pending.action }];
  if (clause.mode === 'yes') return [reask];
  const target =
    clause.mode === 'pick'
      ? clause.target
      : clause.mode === 'unknown'
        ? parseReference(clause.text)
        : clause.mode === 'do' &&
            clause.action.type === 'change' &&
            clause.action.target.kind !== 'title'
          ? undefined
          : undefined;
  if (target === undefined) return undefined;
  if (target.kind === 'numbers') {
    const chosen = pending.candidates.filter((task) => target.numbers.includes(task.task_id));
    return chosen.length > 0 ? choose(chosen) : [reask];
  }
  if (target.kind === 'positions') {
    const chosen = target.positions.flatMap((position) => {
      const task = position === -1 ? pending.candidates.at(-1) : pending.candidates[position - 1];
      return task === undefined ? [] : [task];
    });
    return chosen.length > 0 ? choose(chosen) : [reask];
  }
  if (target.kind === 'it' || target.kind === 'all') return choose(pending.candidates);
  if (target.kind === 'several') return [reask];
  const match = matchTitle(target.query, candidates);
  if (match.kind === 'one') return choose([match.task]);
  return [reask];
}

// ------------------------------------------------------------ resolving

interface Resolution {
  tasks: TitledTask[];
  /** Numbers the user named that are not on the list. */
  missing: number[];
  /** Several titles matched; the user must pick. */
  several?: TitledTask[];
  /** Nothing matched this description. */
  none?: string;
}

function orderShown(tasks: TitledTask[], memory: Memory): TitledTask[] {
  const shown = (memory.shown ?? []).flatMap((id) => tasks.filter((task) => task.task_id === id));
  return shown.length > 0 ? shown : tasks;
}

/** Which tasks a reference means, given the whole list. `prefer` narrows a title match first. */
function resolve(target: Target, tasks: TitledTask[], memory: Memory, prefer?: Status): Resolution {
  switch (target.kind) {
    case 'numbers':
      return {
        tasks: target.numbers.flatMap((n) => tasks.filter((task) => task.task_id === n)),
        missing: target.numbers.filter((n) => !tasks.some((task) => task.task_id === n)),
      };
    case 'positions': {
      const order = orderShown(tasks, memory);
      const found = target.positions.flatMap((position) => {
        const task = position === -1 ? order.at(-1) : order[position - 1];
        return task === undefined ? [] : [task];
      });
      return found.length > 0
        ? { tasks: found, missing: [] }
        : { tasks: [], missing: [], none: 'that position' };
    }
    case 'all': {
      const status = target.status === 'all' && prefer !== undefined ? prefer : target.status;
      return {
        tasks: tasks.filter(
          (task) => status === 'all' || task.completed === (status === 'completed'),
        ),
        missing: [],
      };
    }
    case 'it': {
      const focus = (memory.focus ?? []).flatMap((id) =>
        tasks.filter((task) => task.task_id === id),
      );
      return focus.length > 0
        ? { tasks: focus, missing: [] }
        : { tasks: [], missing: [], none: 'it' };
    }
    case 'several': {
      const parts = target.targets.map((part) => resolve(part, tasks, memory, prefer));
      const merged: Resolution = {
        tasks: [...new Set(parts.flatMap((part) => part.tasks))],
        missing: parts.flatMap((part) => part.missing),
      };
      const several = parts.find((part) => part.several !== undefined)?.several;
      if (several !== undefined) merged.several = several;
      const none = parts.find((part) => part.none !== undefined)?.none;
      if (none !== undefined) merged.none = none;
      return merged;
    }
    case 'title': {
      const preferred =
        prefer === undefined || prefer === 'all'
          ? []
          : tasks.filter((task) => task.completed === (prefer === 'completed'));
      for (const pool of [preferred, tasks]) {
        if (pool.length === 0) continue;
        const match = matchTitle(target.query, pool, target.hint);
        if (match.kind === 'one') return { tasks: [match.task], missing: [] };
        if (match.kind === 'several') return { tasks: [], missing: [], several: match.tasks };
      }
      return { tasks: [], missing: [], none: target.query };
    }
  }
}

function without(
  resolution: Resolution,
  except: Target[],
  tasks: TitledTask[],
  memory: Memory,
): Resolution & { spared: TitledTask[] } {
  if (except.length === 0) return { ...resolution, spared: [] };
  const excluded = new Set(
    except.flatMap((target) => [
      ...resolve(target, tasks, memory).tasks.map((task) => task.task_id),
      ...(target.kind === 'numbers' ? target.numbers : []),
    ]),
  );
  const spared = [
    ...resolution.tasks.filter((task) => excluded.has(task.task_id)),
    ...resolution.missing
      .filter((n) => excluded.has(n))
      .map((n) => ({ task_id: n, title: '', completed: false })),
  ];
  return {
    ...resolution,
    tasks: resolution.tasks.filter((task) => !excluded.has(task.task_id)),
    missing: resolution.missing.filter((n) => !excluded.has(n)),
    spared,
  };
}

const needsTasks = (item: Item): boolean => {
  if (item.kind === 'say') return false;
  if (item.kind === 'not') return false;
  const action = item.action;
  // Completing by number needs no list: the tool's answer names the task.
  if (
    item.kind === 'act' &&
    action.type === 'change' &&
    action.change === 'complete' &&
    action.target.kind === 'numbers'
  ) {
    return false;
  }
  return (
    action.type === 'change' ||
    action.type === 'restore' ||
    action.type === 'status' ||
    action.type === 'list'
  );
};

const preferFor = (changeKind: Change): Status | undefined =>
  changeKind === 'complete' ? 'pending' : changeKind === 'reopen' ? 'completed' : undefined;

// ------------------------------------------------------------ tool results

interface Failure {
  code: string;
  hint: string;
}

/** The error `code` of a failed tool call: a `{code, hint}` object, its JSON, or older plain text. */
export function failureOf(value: unknown): Failure {
  let data = value;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data) as unknown;
    } catch {
      // Plain text from a tool that does not send codes yet.
    }
  }
  if (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { code?: unknown }).code === 'string'
  ) {
    const { code, hint, message } = data as { code: string; hint?: unknown; message?: unknown };
    return {
      code,
      hint: typeof hint === 'string' ? hint : typeof message === 'string' ? message : '',
    };
  }
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (/not found/i.test(text)) return { code: 'not_found', hint: text };
  if (/invalid|must|give /i.test(text)) return { code: 'validation_failed', hint: text };
  return { code: 'unknown', hint: text };
}

function failureText(failure: Failure, subject: string): string {
  switch (failure.code) {
    case 'not_found':
      return `I couldn't find ${subject}. Say "show me all my tasks" to see their numbers.`;
    case 'validation_failed':
      return `I couldn't change ${subject}: ${failure.hint.replace(/\s*(?:Fix the arguments and call again|Fix them and call again)\.?$/, '')}`;
    case 'conflict':
      return `${subject.charAt(0).toUpperCase()}${subject.slice(1)} changed at the same time; please try again.`;
    default:
      return `Sorry, something went wrong with ${subject}; please try again.`;
  }
}

const listedTasks = (value: unknown): TitledTask[] =>
  ((value as { tasks?: TitledTask[] } | null)?.tasks ?? []).filter((task) =>
    Number.isInteger(task.task_id),
  );

const summaryOf = (
  value: unknown,
): { task_id: number; title: string; due_text?: string; priority?: 'high' | 'normal' | 'low' } => {
  const result = (value ?? {}) as {
    task_id?: unknown;
    title?: unknown;
    due_text?: unknown;
    priority?: unknown;
  };
  return {
    task_id: Number(result.task_id),
    title: typeof result.title === 'string' ? result.title : '',
    ...(typeof result.due_text === 'string' ? { due_text: result.due_text } : {}),
    ...(result.priority === 'high' || result.priority === 'low'
      ? { priority: result.priority }
      : {}),
  };
};

// ------------------------------------------------------------ the turn

interface Work {
  calls: ToolCall[];
  then: (outcomes: (Outcome | undefined)[]) => ToolCall[];
  /** The sentence for this item, from its calls' outcomes (in call order). */
  say: (outcomes: (Outcome | undefined)[]) => string;
  /** Undo steps from its successful outcomes. */
  undo: (outcomes: (Outcome | undefined)[]) => UndoStep[];
  focus: (outcomes: (Outcome | undefined)[]) => number[];
  pending?: Pending;
  shown?: number[];
  list?: Extract<Action, { type: 'list' }>;
}

const noWork = (text: string, extra: Partial<Work> = {}): Work => ({
  calls: [],
  then: () => [],
  say: () => text,
  undo: () => [],
  focus: () => [],
  ...extra,
});

const FILTERED = {
  today: ['due today', 'Nothing is due today.'],
  overdue: ['overdue', 'Nothing is overdue: you are on time!'],
  upcoming: ['coming up', 'Nothing is coming up: no pending task has a later due date.'],
  high: ['high priority', 'Nothing is marked high priority.'],
} as const;

function listText(tasks: TitledTask[], action: Extract<Action, { type: 'list' }>): string {
  const filter = action.due ?? (action.priority === 'high' ? 'high' : undefined);
  if (filter !== undefined) {
    const [what, none] = FILTERED[filter];
    if (tasks.length === 0) return none;
    const noun = plural(tasks.length, 'task');
    return `${filter === 'upcoming' ? `Coming up, ${noun}` : `${noun} ${tasks.length === 1 ? 'is' : 'are'} ${what}`}:\n${lines(tasks, false)}`;
  }
  const { status } = action;
  const kind = status === 'pending' ? 'pending ' : status === 'completed' ? 'completed ' : '';
  const yes = action.yesNo === true ? (tasks.length > 0 ? 'Yes, y' : 'No: y') : 'Y';
  if (tasks.length === 0) {
    if (status === 'completed')
      return action.yesNo === true
        ? "No, you haven't completed any tasks yet."
        : "You haven't completed any tasks yet.";
    if (status === 'pending')
      return action.yesNo === true
        ? 'No, nothing pending: you are all caught up!'
        : 'Nothing pending: you are all caught up!';
    return 'Your list is empty. Try "add a task to buy milk".';
  }
  const noun = plural(tasks.length, `${kind}task`, `${kind}tasks`);
  if (status === 'all') {
    const done = tasks.filter((task) => task.completed).length;
    const breakdown =
      action.count && done > 0 ? ` (${tasks.length - done} pending, ${done} done)` : '';
    return `${yes}ou have ${noun}${breakdown}:\n${lines(tasks)}`;
  }
  return `${yes}ou have ${noun}:\n${lines(tasks, false)}`;
}

function changeCall(
  changeKind: Change,
  task: TitledTask,
  action: Extract<Action, { type: 'change' }>,
): ToolCall {
  switch (changeKind) {
    case 'complete':
      return { toolName: 'complete_task', input: { task_id: task.task_id } };
    case 'reopen':
      return { toolName: 'update_task', input: { task_id: task.task_id, completed: false } };
    case 'delete':
      return { toolName: 'delete_task', input: { task_id: task.task_id } };
    case 'rename':
      return {
        toolName: 'update_task',
        input: { task_id: task.task_id, title: action.title ?? task.title },
      };
    case 'describe':
      return {
        toolName: 'update_task',
        input: { task_id: task.task_id, description: action.description ?? '' },
      };
    case 'due':
      return { toolName: 'update_task', input: { task_id: task.task_id, due: action.due ?? null } };
    case 'priority':
      return {
        toolName: 'update_task',
        input: { task_id: task.task_id, priority: toolPriority(action.priority ?? 'medium') },
      };
  }
}

function doneText(
  changeKind: Change,
  done: TitledTask[],
  action: Extract<Action, { type: 'change' }>,
): string {
  const one = done[0];
  if (done.length === 1 && one !== undefined) {
    switch (changeKind) {
      case 'complete':
        return `Done! ${Named(one)} is marked as complete.`;
      case 'reopen':
        return `${Named(one)} is marked as not done again.`;
      case 'delete':
        return `I've deleted ${named(one)}.`;
      case 'rename':
        return `Task ${one.task_id} is now '${action.title ?? ''}'.`;
      case 'describe':
        return `I've updated ${named(one)}: its description is now "${action.description ?? ''}".`;
      case 'due':
        return action.due === null
          ? `${Named(one)} has no due date now.`
          : `${Named(one)} is now due ${one.due_text ?? action.due ?? ''}.`;
      case 'priority':
        return `${Named(one)} is now ${toolPriority(action.priority ?? 'medium')} priority.`;
    }
  }
  const list = joinAnd(done.map((task) => `${task.task_id} (${task.title})`));
  switch (changeKind) {
    case 'complete':
      return `Done! I've marked ${plural(done.length, 'task')} as complete: ${list}.`;
    case 'reopen':
      return `I've marked ${plural(done.length, 'task')} as not done again: ${list}.`;
    case 'delete':
      return `I've deleted ${plural(done.length, 'task')}: ${list}.`;
    default:
      return `I've updated ${plural(done.length, 'task')}: ${list}.`;
  }
}

function undoStepFor(
  changeKind: Change,
  task: TitledTask,
  result: { task_id: number; title: string },
  action: Extract<Action, { type: 'change' }>,
): UndoStep | undefined {
  switch (changeKind) {
    case 'complete':
      return { op: 'completed', task_id: task.task_id, title: result.title };
    case 'reopen':
      return { op: 'reopened', task_id: task.task_id, title: result.title };
    case 'delete':
      return {
        op: 'deleted',
        task_id: task.task_id,
        title: task.title,
        description: task.description ?? null,
        completed: task.completed,
      };
    case 'rename':
      return {
        op: 'updated',
        task_id: task.task_id,
        title: action.title ?? task.title,
        field: 'title',
        before: task.title,
      };
    case 'describe':
      return {
        op: 'updated',
        task_id: task.task_id,
        title: task.title,
        field: 'description',
        before: task.description ?? null,
      };
    case 'due':
    case 'priority':
      // Undo reverses adds, deletes, completions and titles; a date is set again just as easily.
      return undefined;
  }
}

/** The question for an action we will not perform without a yes. */
function questionFor(action: Action, found: TitledTask[], asked: boolean): string {
  const them =
    found.length === 1 && found[0] !== undefined ? named(found[0]) : plural(found.length, 'task');
  if (action.type === 'add') {
    const titles = joinAnd(action.tasks.map((task) => `"${task.title}"`));
    return asked
      ? `That's up to you! Shall I add ${titles} to your list?`
      : `Do you want me to add ${titles} to your list?`;
  }
  if (action.type === 'undo') return 'Do you want me to undo my last change?';
  if (action.type !== 'change') return 'Shall I go ahead?';
  const it = found.length === 1 ? 'it' : 'them';
  switch (action.change) {
    case 'delete':
      return asked
        ? `Deleting ${them} would remove ${it} from your list (I can bring ${it} back with "undo"). Shall I delete ${it}?`
        : found.length > 1
          ? `That would delete ${them}: ${joinAnd(found.map((task) => `${task.task_id} (${task.title})`))}. Delete all ${found.length}?`
          : `Do you want me to delete ${them}?`;
    case 'complete':
      return asked
        ? `Completing ${them} would mark ${it} as done; ${it} stays on your list and can be reopened. Shall I mark ${it} as done?`
        : `Do you want me to mark ${them} as done?`;
    case 'reopen':
      return `Reopening ${them} would mark ${it} as not done. Shall I reopen ${it}?`;
    case 'rename':
      return `Renaming ${them} would change its title to '${action.title ?? ''}'. Shall I rename it?`;
    case 'describe':
      return `That would set the description of ${them} to "${action.description ?? ''}". Shall I?`;
    case 'due':
      return action.due === null
        ? `That would remove the due date of ${them}. Shall I?`
        : `That would make ${them} due ${action.due ?? ''}. Shall I?`;
    case 'priority':
      return `That would make ${them} ${toolPriority(action.priority ?? 'medium')} priority. Shall I?`;
  }
}

function missingText(
  resolution: Resolution,
  changeKind: Change | undefined,
  tasks: TitledTask[],
): string[] {
  const parts: string[] = [];
  if (resolution.missing.length > 0) {
    parts.push(
      `I couldn't find ${numbersPhrase(resolution.missing)}. Say "show me all my tasks" to see their numbers.`,
    );
  }
  if (resolution.none !== undefined) {
    if (resolution.none === 'it') parts.push('Which task do you mean? Tell me its number.');
    else if (resolution.none === 'that position')
      parts.push(`I couldn't find that one: your list has ${plural(tasks.length, 'task')}.`);
    else if (tasks.length === 0)
      parts.push(`I couldn't find a "${resolution.none}" task: your list is empty.`);
    else
      parts.push(
        `I couldn't find a task matching "${resolution.none}". Your tasks are:\n${lines(tasks)}`,
      );
  }
  if (resolution.several !== undefined && changeKind !== undefined) {
    parts.push(
      `Several tasks match:\n${lines(resolution.several)}\nWhich one? Tell me its number.`,
    );
  }
  return parts;
}

function changeWork(
  item: Extract<Item, { kind: 'act' }>,
  action: Extract<Action, { type: 'change' }>,
  tasks: TitledTask[],
  memory: Memory,
): Work {
  const resolution = without(
    resolve(action.target, tasks, memory, preferFor(action.change)),
    item.except,
    tasks,
    memory,
  );
  // Numbers not on the list still go to the tool, which has the last word.
  const notes = missingText({ ...resolution, missing: [] }, action.change, tasks);
  if (resolution.spared.length > 0) {
    const spared = resolution.spared.map((task) =>
      task.title === '' ? `task ${task.task_id}` : named(task),
    );
    notes.push(`As you said, I left ${joinAnd(spared)} alone.`);
  }
  const pending: Pending | undefined =
    resolution.several !== undefined
      ? {
          kind: 'which',
          action,
          candidates: resolution.several.map((task) => ({
            task_id: task.task_id,
            title: task.title,
          })),
        }
      : undefined;
  if (resolution.several !== undefined && action.target.kind === 'title') {
    notes.splice(
      notes.length - 1,
      1,
      `Several tasks match "${action.target.query}":\n${lines(resolution.several)}\nWhich one? Tell me its number.`,
    );
  }
  let found = resolution.tasks;
  if (action.target.kind === 'all' && found.length === 0 && resolution.missing.length === 0) {
    const status =
      action.target.status === 'all' ? (preferFor(action.change) ?? 'all') : action.target.status;
    notes.push(
      status === 'completed'
        ? 'You have no completed tasks.'
        : status === 'pending'
          ? 'You have no pending tasks.'
          : 'Your list is empty.',
    );
  }
  if ((action.change === 'rename' || action.change === 'describe') && found.length > 1) {
    return noWork(
      `Which one should I ${action.change === 'rename' ? 'rename' : 'update'}: ${joinAnd(found.map((task) => String(task.task_id)))}?`,
      {
        pending: {
          kind: 'which',
          action,
          candidates: found.map((task) => ({ task_id: task.task_id, title: task.title })),
        },
      },
    );
  }
  // Destructive actions on a whole set ask first; naming the numbers is asking.
  if (
    action.change === 'delete' &&
    action.target.kind === 'all' &&
    found.length > 1 &&
    !item.confirmed
  ) {
    const confirm: Action = {
      ...action,
      target: { kind: 'numbers', numbers: found.map((task) => task.task_id) },
    };
    return noWork(questionFor(action, found, false), {
      pending: { kind: 'confirm', action: confirm },
      shown: found.map((task) => task.task_id),
    });
  }
  const already = found.filter((task) =>
    action.change === 'complete'
      ? task.completed
      : action.change === 'reopen'
        ? !task.completed
        : false,
  );
  if (!(action.target.kind === 'all')) {
    if (already.length > 0) {
      notes.unshift(
        action.change === 'complete'
          ? `${joinAnd(already.map((task) => Named(task)))} ${already.length === 1 ? 'was' : 'were'} already done.`
          : `${joinAnd(already.map((task) => Named(task)))} ${already.length === 1 ? "isn't" : "aren't"} marked as done.`,
      );
    }
  }
  found = [
    ...found.filter((task) => !already.includes(task)),
    ...resolution.missing.map((n) => ({ task_id: n, title: '', completed: false })),
  ];
  const calls = found.map((task) => changeCall(action.change, task, action));
  return {
    calls,
    then: () => [],
    ...(pending === undefined ? {} : { pending }),
    say: (outcomes) => {
      const done = found.filter((_, index) => outcomes[index]?.ok === true);
      const parts: string[] = [];
      if (done.length > 0) {
        const results = found.flatMap((task, index) =>
          outcomes[index]?.ok === true
            ? [
                {
                  ...task,
                  ...summaryOf(outcomes[index].value),
                  title: summaryOf(outcomes[index].value).title || task.title,
                },
              ]
            : [],
        );
        parts.push(doneText(action.change, results, action));
      }
      const unknown: number[] = [];
      for (const [index, task] of found.entries()) {
        const outcome = outcomes[index];
        if (outcome === undefined || outcome.ok) continue;
        const failure = failureOf(outcome.value);
        if (failure.code === 'not_found') unknown.push(task.task_id);
        else
          parts.push(
            failureText(failure, task.title === '' ? `task ${task.task_id}` : named(task)),
          );
      }
      if (unknown.length > 0)
        parts.push(failureText({ code: 'not_found', hint: '' }, numbersPhrase(unknown)));
      return [...parts, ...notes]
        .join(' ')
        .replace(/ (Several|I couldn't find a task matching)/, '\n$1');
    },
    undo: (outcomes) =>
      found.flatMap((task, index) => {
        const outcome = outcomes[index];
        return outcome?.ok === true
          ? [undoStepFor(action.change, task, summaryOf(outcome.value), action) ?? []].flat()
          : [];
      }),
    focus: () =>
      found.length > 0
        ? found.map((task) => task.task_id)
        : (resolution.several ?? []).map((task) => task.task_id),
    ...(resolution.several === undefined
      ? {}
      : { shown: resolution.several.map((task) => task.task_id) }),
  };
}

function undoCall(step: UndoStep): ToolCall {
  switch (step.op) {
    case 'added':
      return { toolName: 'delete_task', input: { task_id: step.task_id } };
    case 'deleted':
      return {
        toolName: 'add_task',
        input:
          step.description === null || step.description === ''
            ? { title: step.title }
            : { title: step.title, description: step.description },
      };
    case 'completed':
      return { toolName: 'update_task', input: { task_id: step.task_id, completed: false } };
    case 'reopened':
      return { toolName: 'complete_task', input: { task_id: step.task_id } };
    case 'updated':
      return {
        toolName: 'update_task',
        input: { task_id: step.task_id, [step.field]: step.before ?? '' },
      };
  }
}

function undoText(step: UndoStep, outcome: Outcome | undefined): string {
  if (outcome === undefined || !outcome.ok) {
    return outcome === undefined
      ? ''
      : failureText(failureOf(outcome.value), `task ${step.task_id}`);
  }
  const result = summaryOf(outcome.value);
  switch (step.op) {
    case 'added':
      return `removed task ${step.task_id} (${step.title})`;
    case 'deleted':
      return `"${step.title}" is back on your list as task ${result.task_id}${result.task_id === step.task_id ? '' : ` (it was task ${step.task_id})`}`;
    case 'completed':
      return `task ${step.task_id} (${step.title}) is not done again`;
    case 'reopened':
      return `task ${step.task_id} (${step.title}) is done again`;
    case 'updated':
      return step.field === 'title'
        ? `task ${step.task_id} is '${step.before ?? ''}' again`
        : `task ${step.task_id}'s description is back as it was`;
  }
}

function undoWork(memory: Memory): Work {
  const steps = memory.undo ?? [];
  if (steps.length === 0)
    return noWork("There's nothing to undo: I haven't changed anything in this conversation yet.");
  return {
    calls: steps.map(undoCall),
    // A deleted task that was done comes back done.
    then: (outcomes) =>
      steps.flatMap((step, index) => {
        const outcome = outcomes[index];
        return step.op === 'deleted' && step.completed && outcome?.ok === true
          ? [
              {
                toolName: 'complete_task' as const,
                input: { task_id: summaryOf(outcome.value).task_id },
              },
            ]
          : [];
      }),
    say: (outcomes) => {
      const parts = steps
        .map((step, index) => undoText(step, outcomes[index]))
        .filter((part) => part !== '');
      return parts.length === 0 ? "I couldn't undo that." : `Undone: ${joinAnd(parts)}.`;
    },
    undo: (outcomes) =>
      steps.flatMap((step, index): UndoStep[] => {
        const outcome = outcomes[index];
        if (outcome?.ok !== true) return [];
        const result = summaryOf(outcome.value);
        switch (step.op) {
          case 'added':
            return [
              {
                op: 'deleted',
                task_id: step.task_id,
                title: step.title,
                description: null,
                completed: false,
              },
            ];
          case 'deleted':
            return [{ op: 'added', task_id: result.task_id, title: step.title }];
          case 'completed':
            return [{ op: 'reopened', task_id: step.task_id, title: step.title }];
          case 'reopened':
            return [{ op: 'completed', task_id: step.task_id, title: step.title }];
          case 'updated':
            return [];
        }
      }),
    focus: (outcomes) =>
      steps.map((step, index) =>
        step.op === 'deleted' ? summaryOf(outcomes[index]?.value).task_id : step.task_id,
      ),
  };
}

function restoreWork(target: Target, tasks: TitledTask[], memory: Memory): Work {
  const numbers = target.kind === 'numbers' ? target.numbers : [];
  const deleted = (memory.undo ?? []).filter(
    (step) => step.op === 'deleted' && numbers.includes(step.task_id),
  );
  if (deleted.length > 0) return undoWork({ ...memory, undo: deleted });
  const resolution = resolve(target, tasks, memory, 'completed');
  const reopen = resolution.tasks.filter((task) => task.completed);
  const open = resolution.tasks.filter((task) => !task.completed);
  const notes = [
    ...open.map((task) => `${Named(task)} is already on your list and not done.`),
    ...missingText(resolution, 'reopen', tasks),
  ];
  if (resolution.missing.length > 0) {
    notes.splice(
      notes.length - 1,
      1,
      `I can only bring back a task I deleted in this conversation, and ${numbersPhrase(resolution.missing)} ${resolution.missing.length === 1 ? "isn't" : "aren't"} one of them.`,
    );
  }
  return {
    calls: reopen.map((task) => ({
      toolName: 'update_task',
      input: { task_id: task.task_id, completed: false },
    })),
    then: () => [],
    say: (outcomes) => {
      const done = reopen.filter((_, index) => outcomes[index]?.ok === true);
      return [
        done.length > 0
          ? `${joinAnd(done.map(Named))} ${done.length === 1 ? 'is' : 'are'} back on your list as not done.`
          : '',
        ...notes,
      ]
        .filter(Boolean)
        .join(' ');
    },
    undo: (outcomes) =>
      reopen.flatMap((task, index) =>
        outcomes[index]?.ok === true
          ? [{ op: 'reopened' as const, task_id: task.task_id, title: task.title }]
          : [],
      ),
    focus: () => resolution.tasks.map((task) => task.task_id),
  };
}

function statusWork(target: Target, tasks: TitledTask[], memory: Memory): Work {
  const resolution = resolve(target, tasks, memory);
  const parts = resolution.tasks.map((task) =>
    task.completed ? `Yes, ${named(task)} is done.` : `No, ${named(task)} is not done yet.`,
  );
  return noWork([...parts, ...missingText(resolution, 'complete', tasks)].join(' '), {
    focus: () => resolution.tasks.map((task) => task.task_id),
  });
}

function askWork(
  item: Extract<Item, { kind: 'ask' | 'offer' }>,
  tasks: TitledTask[],
  memory: Memory,
): Work {
  const { action } = item;
  if (action.type === 'add' || action.type === 'undo') {
    if (action.type === 'undo' && (memory.undo ?? []).length === 0)
      return noWork("There's nothing to undo.");
    return noWork(questionFor(action, [], item.kind === 'ask'), {
      pending: { kind: 'confirm', action },
    });
  }
  if (action.type !== 'change' && action.type !== 'restore') return noWork('Shall I go ahead?');
  const changeKind: Change = action.type === 'change' ? action.change : 'reopen';
  const resolution = resolve(
    action.target,
    tasks,
    memory,
    action.type === 'change' ? preferFor(action.change) : 'completed',
  );
  if (resolution.tasks.length === 0)
    return noWork(
      missingText(resolution, changeKind, tasks).join(' ') ||
        'There are no such tasks on your list.',
    );
  const numbers: Target = {
    kind: 'numbers',
    numbers: resolution.tasks.map((task) => task.task_id),
  };
  const resolved: Action = { ...action, target: numbers };
  return noWork(questionFor(resolved, resolution.tasks, item.kind === 'ask'), {
    pending: { kind: 'confirm', action: resolved },
    focus: () => resolution.tasks.map((task) => task.task_id),
  });
}

function addWork(action: Extract<Action, { type: 'add' }>): Work {
  const calls: ToolCall[] = action.tasks.map((task) => ({
    toolName: 'add_task',
    input: {
      title: task.title,
      ...(task.description === undefined ? {} : { description: task.description }),
      ...(task.due === undefined ? {} : { due: task.due }),
      ...(task.priority === undefined ? {} : { priority: toolPriority(task.priority) }),
    },
  }));
  return {
    calls,
    then: () => [],
    say: (outcomes) => {
      // Added in one step, many tasks may be numbered out of order: list them by number.
      const added = outcomes
        .flatMap((outcome) => (outcome?.ok === true ? [summaryOf(outcome.value)] : []))
        .sort((a, b) => a.task_id - b.task_id);
      const failed = outcomes.flatMap((outcome, index) =>
        outcome !== undefined && !outcome.ok
          ? [[outcome, action.tasks[index]?.title ?? ''] as const]
          : [],
      );
      const parts: string[] = [];
      const first = added[0];
      if (added.length === 1 && first !== undefined)
        parts.push(`I've added task ${first.task_id}: ${first.title}${marks(first)}.`);
      else if (added.length > 1)
        parts.push(`I've added ${plural(added.length, 'task')}:\n${lines(added)}`);
      for (const [outcome, title] of failed) {
        const failure = failureOf(outcome.value);
        parts.push(
          failure.code === 'validation_failed'
            ? `I couldn't add "${title}": ${failure.hint.replace(/\s*Fix the arguments and call again\.?$/, '')}`
            : failureText(failure, `"${title}"`),
        );
      }
      return parts.join('\n');
    },
    undo: (outcomes) =>
      outcomes.flatMap((outcome) =>
        outcome?.ok === true ? [{ op: 'added' as const, ...summaryOf(outcome.value) }] : [],
      ),
    focus: (outcomes) =>
      outcomes.flatMap((outcome) =>
        outcome?.ok === true ? [summaryOf(outcome.value).task_id] : [],
      ),
  };
}

function work(item: Item, tasks: TitledTask[], memory: Memory): Work {
  switch (item.kind) {
    case 'say':
      return noWork(item.text, item.pending === undefined ? {} : { pending: item.pending });
    case 'not':
      return noWork(notText(item.action, item.target));
    case 'ask':
    case 'offer':
      return askWork(item, tasks, memory);
    case 'act': {
      const { action } = item;
      switch (action.type) {
        case 'add':
          return addWork(action);
        case 'list':
          return noWork('', { list: action });
        case 'change':
          return changeWork(item, action, tasks, memory);
        case 'restore':
          return restoreWork(action.target, tasks, memory);
        case 'status':
          return statusWork(action.target, tasks, memory);
        case 'undo':
          return undoWork(memory);
      }
    }
  }
}

// A turn that uses a tool asks the model twice (the calls, then the words),
// with the same message each time: it is read once, about 0.06 ms of a 5 ms
// turn. Reading is pure, so a message reads the same in every conversation;
// the reading is frozen, so no step can change what a later one reads.
const KEPT_READINGS = 64;
const readings = new Map<string, readonly Clause[]>();

function readMessage(message: string): readonly Clause[] {
  const kept = readings.get(message);
  if (kept !== undefined) return kept;
  const clauses = deepFreeze(parseMessage(message));
  // Oldest first: the map keeps insertion order.
  if (readings.size >= KEPT_READINGS) readings.delete(readings.keys().next().value ?? '');
  readings.set(message, clauses);
  return clauses;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** Decides the next step of the turn. Pure: the same inputs give the same step. */
export function nextStep(message: string, memory: Memory, outcomes: readonly Outcome[]): Step {
  const items = interpret(readMessage(message), memory, message);
  const lists = items.flatMap((item) =>
    item.kind === 'act' && item.action.type === 'list' ? [item.action] : [],
  );
  const onlyList = items.length === 1 && lists.length === 1;
  const lookStatus: Status = onlyList ? (lists[0]?.status ?? 'all') : 'all';
  const of = (phase: Phase): Outcome[] => outcomes.filter((outcome) => outcome.phase === phase);

  let tasks: TitledTask[] = [];
  if (items.some(needsTasks)) {
    const look = of('look')[0];
    if (look === undefined)
      return {
        phase: 'look',
        calls: [
          {
            toolName: 'list_tasks',
            input: onlyList ? listInput(lists[0]) : { status: lookStatus },
          },
        ],
      };
    if (!look.ok) {
      const rest: Memory = { ...memory };
      delete rest.pending;
      return { text: failureText(failureOf(look.value), 'your tasks'), memory: rest };
    }
    tasks = listedTasks(look.value);
  }

  const works = items.map((item) => work(item, tasks, memory));
  const acts = works.flatMap((entry) => entry.calls);
  const actOutcomes = of('act');
  const waiting = acts.flatMap((call, index) =>
    actOutcomes.some((outcome) => outcome.index === index) ? [] : [index],
  );
  if (waiting.length > 0) {
    // Tools in one step run in parallel: several adds there could be
    // numbered in any order, so up to a few go one per step, in order.
    const adds = acts.flatMap((call, index) => (call.toolName === 'add_task' ? [index] : []));
    const chain = adds.length > 1 && adds.length <= SEQUENTIAL_ADDS;
    const later = new Set(chain ? adds.slice(1) : []);
    const next =
      actOutcomes.length === 0 ? waiting.filter((index) => !later.has(index)) : waiting.slice(0, 1);
    return {
      phase: 'act',
      calls: next.flatMap((index) => acts.slice(index, index + 1)),
      indices: next,
    };
  }
  const byIndex = (phase: Phase, count: number, offset: number): (Outcome | undefined)[] =>
    Array.from({ length: count }, (_, index) =>
      of(phase).find((outcome) => outcome.index === offset + index),
    );
  let offset = 0;
  const slices = works.map((entry) => {
    const slice = byIndex('act', entry.calls.length, offset);
    offset += entry.calls.length;
    return slice;
  });
  const thens = works.flatMap((entry, index) => entry.then(slices[index] ?? []));
  if (thens.length > 0 && of('then').length === 0) return { phase: 'then', calls: thens };
  const showNeeded = lists.length > 0 && (acts.length > 0 || !onlyList);
  const showStatus = lists[0]?.status ?? 'all';
  if (showNeeded && of('show').length === 0)
    return {
      phase: 'show',
      calls: [{ toolName: 'list_tasks', input: { ...listInput(lists[0]), status: showStatus } }],
    };

  const shownOutcome = showNeeded ? of('show')[0] : of('look')[0];
  const parts: string[] = [];
  let shown: number[] | undefined;
  for (const [index, entry] of works.entries()) {
    if (entry.list !== undefined) {
      if (shownOutcome === undefined || !shownOutcome.ok) {
        parts.push(failureText(failureOf(shownOutcome?.value), 'your tasks'));
        continue;
      }
      const listed = listedTasks(shownOutcome.value).filter(
        (task) =>
          entry.list?.status === 'all' || task.completed === (entry.list?.status === 'completed'),
      );
      parts.push(listText(listed, entry.list));
      shown = listed.map((task) => task.task_id);
      continue;
    }
    const text = entry.say(slices[index] ?? []);
    if (text !== '') parts.push(text);
    if (entry.shown !== undefined) shown = entry.shown;
  }
  const undo = works.flatMap((entry, index) => entry.undo(slices[index] ?? []));
  const focus = works.flatMap((entry, index) => entry.focus(slices[index] ?? []));
  const pending = works.find((entry) => entry.pending !== undefined)?.pending;
  const next: Memory = {};
  if (pending !== undefined) next.pending = pending;
  const carriedUndo = undo.length > 0 ? undo : memory.undo;
  if (carriedUndo !== undefined && carriedUndo.length > 0) next.undo = carriedUndo;
  const carriedShown = shown ?? memory.shown;
  if (carriedShown !== undefined) next.shown = carriedShown;
  const performed = items.flatMap((item, index) =>
    item.kind === 'act' && (works[index]?.calls.length ?? 0) > 0 ? [item.action] : [],
  );
  const lastAction = performed.at(-1);
  if (lastAction?.type === 'add') next.last = { type: 'add' };
  else if (
    lastAction?.type === 'change' &&
    ['complete', 'reopen', 'delete'].includes(lastAction.change)
  ) {
    next.last = { type: 'change', change: lastAction.change };
  } else if (memory.last !== undefined && performed.length === 0) next.last = memory.last;
  const carriedFocus = focus.length > 0 ? focus : memory.focus;
  if (carriedFocus !== undefined && carriedFocus.length > 0) next.focus = carriedFocus;
  const text = parts.join('\n').trim();
  return { text: text === '' ? "OK, I haven't changed anything." : text, memory: next };
}

export type { Clause, Target };
