// What a message asks for, as data: the parser's output and the planner's
// input. Plain JSON, so a pending question can carry an action across turns.

export type Status = 'all' | 'pending' | 'completed';

/** Which tasks a request is about, before the task list resolves it to numbers. */
export type Target =
  | { kind: 'numbers'; numbers: number[] }
  /** 1-based positions in the last list shown; -1 is the last. */
  | { kind: 'positions'; positions: number[] }
  /** Words naming a title; `hint` words (a verb the user used) only break ties. */
  | { kind: 'title'; query: string; hint?: string[] }
  | { kind: 'all'; status: Status }
  /** "it", "that one": the tasks the conversation was just about. */
  | { kind: 'it' }
  /** "task 4 and the milk one" */
  | { kind: 'several'; targets: Target[] };

export type Change = 'complete' | 'reopen' | 'delete' | 'rename' | 'describe' | 'due' | 'priority';

export type Priority = 'high' | 'medium' | 'low';

export type DueFilter = 'today' | 'overdue' | 'upcoming';

export interface NewTask {
  title: string;
  description?: string;
  /** The due phrase for the server to read in the user's zone ("tomorrow at 5pm", "friday"). */
  due?: string;
  /** A priority word ("urgent", "low priority"), as the task's priority. */
  priority?: Priority;
}

export type Action =
  | { type: 'add'; tasks: NewTask[] }
  | {
      type: 'list';
      status: Status;
      count: boolean;
      yesNo?: boolean;
      /** "what's due today?", "anything overdue?": list_tasks' own due filter. */
      due?: DueFilter;
      /** "what's urgent?" */
      priority?: Priority;
    }
  | {
      type: 'change';
      change: Change;
      target: Target;
      title?: string;
      description?: string;
      /** For `due`: the new due phrase, or null to remove it. */
      due?: string | null;
      /** For `priority`. */
      priority?: Priority;
    }
  /** "put task 7 back": re-add it if this conversation deleted it, else reopen it. */
  | { type: 'restore'; target: Target }
  /** "is task 3 done?" */
  | { type: 'status'; target: Target }
  | { type: 'undo' };

export type Social = 'greet' | 'thanks' | 'bye' | 'help' | 'offtopic';

export type Clause =
  | { mode: 'do'; action: Action }
  /** A question about an action ("should I delete task 3?"): answered, never performed. */
  | { mode: 'ask'; action: Action }
  /** A request we are not sure of ("buy milk", "I don't need task 3 anymore"): offered first. */
  | { mode: 'offer'; action: Action }
  /** What the user said not to do, and/or which tasks to leave alone. */
  | { mode: 'not'; action?: Action; target?: Target }
  | { mode: 'yes' }
  | { mode: 'no' }
  | { mode: 'cancel' }
  /** A bare reference ("2", "the milk one"): the answer to "which one?". */
  | { mode: 'pick'; target: Target }
  | { mode: 'social'; social: Social }
  /** "and call dad", "5 too": the same again, for more tasks. */
  | { mode: 'more'; text: string; target?: Target }
  /** "add" with no title. */
  | { mode: 'need-title' }
  | { mode: 'unknown'; text: string };
