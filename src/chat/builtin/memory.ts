// What the assistant remembers between turns, carried in the conversation
// itself: each reply's `providerMetadata.todochat` is saved with the message
// and handed back as that assistant message's `providerOptions.todochat`.
// Any server instance can therefore answer the next turn.
import type { Action, Change } from './intent.ts';

export interface Candidate {
  task_id: number;
  title: string;
}

export type Pending =
  /** "Which one?" over these tasks; the action waits for the answer. */
  | { kind: 'which'; action: Action; candidates: Candidate[] }
  /** "Shall I?" for an action whose tasks are already resolved to numbers. */
  | { kind: 'confirm'; action: Action }
  /** "What should I add?" */
  | { kind: 'title' };

/** One change the assistant made, with what is needed to reverse it. */
export type UndoStep =
  | { op: 'added'; task_id: number; title: string }
  | {
      op: 'deleted';
      task_id: number;
      title: string;
      description: string | null;
      completed: boolean;
    }
  | { op: 'completed'; task_id: number; title: string }
  | { op: 'reopened'; task_id: number; title: string }
  | {
      op: 'updated';
      task_id: number;
      title: string;
      field: 'title' | 'description';
      before: string | null;
    };

export interface Memory {
  pending?: Pending;
  /** The last turn's changes, which "undo" reverses. */
  undo?: UndoStep[];
  /** Task numbers in the order last shown, for "the first one". */
  shown?: number[];
  /** The tasks the last reply was about, for "it" and "that one". */
  focus?: number[];
  /** What the last change was, for "and 5 too". */
  last?: { type: 'add' } | { type: 'change'; change: Change };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const numbers = (value: unknown): number[] | undefined =>
  Array.isArray(value) && value.every((item) => Number.isInteger(item))
    ? (value as number[])
    : undefined;

/** Reads memory back tolerantly: anything malformed is forgotten, never trusted. */
export function readMemory(value: unknown): Memory {
  if (!isObject(value)) return {};
  const memory: Memory = {};
  const pending = value.pending;
  if (isObject(pending) && ['which', 'confirm', 'title'].includes(String(pending.kind))) {
    if (pending.kind === 'title') memory.pending = { kind: 'title' };
    else if (isObject(pending.action) && typeof pending.action.type === 'string') {
      memory.pending =
        pending.kind === 'which' && Array.isArray(pending.candidates)
          ? {
              kind: 'which',
              action: pending.action as unknown as Action,
              candidates: pending.candidates.filter(
                (candidate): candidate is Candidate =>
                  isObject(candidate) &&
                  Number.isInteger(candidate.task_id) &&
                  typeof candidate.title === 'string',
              ),
            }
          : { kind: 'confirm', action: pending.action as unknown as Action };
    }
  }
  if (Array.isArray(value.undo)) {
    memory.undo = value.undo.filter(
      (step): step is UndoStep =>
        isObject(step) &&
        typeof step.op === 'string' &&
        Number.isInteger(step.task_id) &&
        typeof step.title === 'string',
    );
  }
  const shown = numbers(value.shown);
  if (shown !== undefined) memory.shown = shown;
  const focus = numbers(value.focus);
  if (focus !== undefined) memory.focus = focus;
  const last = value.last;
  if (isObject(last) && last.type === 'add') memory.last = { type: 'add' };
  if (
    isObject(last) &&
    last.type === 'change' &&
    ['complete', 'reopen', 'delete'].includes(String(last.change))
  ) {
    memory.last = { type: 'change', change: last.change as Change };
  }
  return memory;
}
