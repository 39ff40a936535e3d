// The todo tools, defined once: the MCP server registers them, and the chat
// agent hands the very same definitions to its model. Names and shapes follow
// the todo-chatbot design todochat grew from (add_task, list_tasks, ...).
//
// The acting user always comes from the authenticated connection. A `user_id`
// argument is accepted for agents built for that design, but must name the
// caller; anyone else's is "not found", like a task that does not exist.
import type { Logger } from 'pino';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../errors.ts';
import { describeDue, formatDueIso } from '../tasks/due.ts';
import {
  TASK_DESCRIPTION_MAX,
  TASK_NUMBER_MAX,
  TASK_TITLE_MAX,
  type TaskService,
} from '../tasks/task.service.ts';
import { TASK_DUE_FILTERS, TASK_PRIORITIES, type Task, type TaskRef } from '../tasks/task.ts';
import { toToolError, type ToolError } from './tool-error.ts';

export interface ToolContext {
  userId: string;
  tasks: TaskService;
  /** The request's logger: an unexpected failure is logged here, with the request id. */
  logger?: Logger | undefined;
}

const userIdArg = z
  .string({ error: 'a user id (text) is expected, or leave it out' })
  .optional()
  .describe(
    'Optional. The current user is taken from the connection; if given, it must be theirs.',
  );

const TASK_REF_EXPECTED =
  'a task number is expected (e.g. 3 for "task 3"), or a task UUID; list_tasks shows the numbers';
const NUMBER_TEXT = /^\s*#?\d+\s*$/;
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// One string option rather than one per form: a union names only the closest
// option's failure, which for "milk" would be "Invalid GUID".
const taskIdArg = z
  .union(
    [
      z
        .int({ error: TASK_REF_EXPECTED })
        .positive({ error: TASK_REF_EXPECTED })
        .max(TASK_NUMBER_MAX),
      z
        .string()
        .refine((value) => NUMBER_TEXT.test(value) || UUID_TEXT.test(value), {
          error: TASK_REF_EXPECTED,
        })
        .transform((value) =>
          NUMBER_TEXT.test(value) ? Number(value.replace(/[#\s]/g, '')) : value,
        ),
    ],
    { error: TASK_REF_EXPECTED },
  )
  .describe('The task number the user sees (e.g. 3 for "task 3"), or the task UUID');

// The limits are the task service's own, so a schema a client reads states what the server enforces.
const titleArg = z
  .string({ error: 'a title (text) is expected' })
  .min(1, { error: 'the title must not be empty' })
  .max(TASK_TITLE_MAX, { error: `the title may be at most ${TASK_TITLE_MAX} characters` })
  .describe(`Short title of the task, e.g. "buy milk" (at most ${TASK_TITLE_MAX} characters)`);
const descriptionArg = z
  .string({ error: 'a description (text) is expected' })
  .max(TASK_DESCRIPTION_MAX, {
    error: `the description may be at most ${TASK_DESCRIPTION_MAX} characters`,
  })
  .describe(`Optional longer notes for the task (at most ${TASK_DESCRIPTION_MAX} characters)`);
const dueArg = z
  .string()
  .nullable()
  .describe(
    'When it is due, in the user\'s own words or ISO 8601: "tomorrow 5pm", "next friday", "in 3 days", "2026-12-04". Read in the user\'s time zone; null removes the due date.',
  );
const priorityArg = z
  .enum(TASK_PRIORITIES)
  .describe('"high" for urgent or important, "low" for someday; "normal" by default');

// Said back only when set, so a plain task reads as before: the due as it
// was resolved lets the model repeat the exact day to the user.
const dueResult = {
  due: z
    .string()
    .optional()
    .describe("ISO 8601 in the user's zone: a date (date-only) or a date-time with its offset"),
  due_text: z.string().optional().describe('The due in words, e.g. "Friday, December 4, 2026"'),
  priority: z.enum(TASK_PRIORITIES).optional().describe('Given when not "normal"'),
};

const taskSummary = z.object({
  task_id: z.int().describe('The task number the user sees'),
  status: z.enum(['created', 'completed', 'deleted', 'updated']),
  title: z.string(),
  ...dueResult,
});

const listedTask = z.object({
  task_id: z.int().describe('The task number the user sees'),
  title: z.string(),
  description: z.string().nullable(),
  completed: z.boolean(),
  ...dueResult,
});

/** What a client may assume about a tool (MCP tool annotations); none of them reaches beyond this server. */
export interface ToolAnnotations {
  readonly readOnlyHint: boolean;
  readonly destructiveHint: boolean;
  readonly idempotentHint: boolean;
  readonly openWorldHint: false;
}

export interface TodoTool<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly annotations: ToolAnnotations;
  readonly inputSchema: I;
  readonly outputSchema: O;
  run(context: ToolContext, input: z.output<I>): Promise<z.output<O>>;
}

function defineTool<I extends z.ZodType, O extends z.ZodType>(
  tool: TodoTool<I, O>,
): TodoTool<I, O> {
  return tool;
}

function dueFields(task: Task, zone: string) {
  return {
    ...(task.due === null
      ? {}
      : { due: formatDueIso(task.due, zone), due_text: describeDue(task.due, zone) }),
    ...(task.priority === 'normal' ? {} : { priority: task.priority }),
  };
}

async function summary(
  context: ToolContext,
  task: Task,
  status: z.output<typeof taskSummary>['status'],
): Promise<z.output<typeof taskSummary>> {
  // The zone is only needed to say a due back; most tasks have none.
  const zone = task.due === null ? 'UTC' : await context.tasks.getTimeZone(context.userId);
  return { task_id: task.number, status, title: task.title, ...dueFields(task, zone) };
}

async function existing(context: ToolContext, ref: TaskRef): Promise<Task> {
  const task = await context.tasks.getTask(context.userId, ref);
  if (task === null) throw new NotFoundError('task');
  return task;
}

export const addTask = defineTool({
  name: 'add_task',
  title: 'Add a task',
  description: "Add a task to the user's todo list. Returns the new task's number.",
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: false,
    openWorldHint: false,
  },
  inputSchema: z.object({
    user_id: userIdArg,
    title: titleArg,
    description: descriptionArg.optional(),
    due: dueArg.optional(),
    priority: priorityArg.optional(),
  }),
  outputSchema: taskSummary,
  async run(context, input) {
    const task = await context.tasks.addTask(context.userId, {
      title: input.title,
      description: input.description,
      due: input.due,
      priority: input.priority,
    });
    return summary(context, task, 'created');
  },
});

export const listTasks = defineTool({
  name: 'list_tasks',
  title: 'List tasks',
  description:
    "List the user's tasks with their numbers, soonest due first (no date last), then high priority first. Use it to find a task's number from its title.",
  annotations: {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  inputSchema: z.object({
    user_id: userIdArg,
    status: z
      .enum(['all', 'pending', 'completed'])
      .optional()
      .describe('Which tasks: "all" (default), "pending" (not done yet) or "completed"'),
    due: z
      .enum(TASK_DUE_FILTERS)
      .optional()
      .describe(
        'Only tasks due "today", "overdue" (not done and past due), "upcoming" (after today) or with "none"',
      ),
    priority: priorityArg
      .optional()
      .describe('Only tasks of this priority, e.g. "high" for urgent'),
  }),
  outputSchema: z.object({ tasks: z.array(listedTask), count: z.int() }),
  async run(context, input) {
    const tasks = await context.tasks.listTasks(context.userId, {
      status: input.status ?? 'all',
      due: input.due,
      priority: input.priority,
    });
    const zone = tasks.some((task) => task.due !== null)
      ? await context.tasks.getTimeZone(context.userId)
      : 'UTC';
    return {
      tasks: tasks.map((task) => ({
        task_id: task.number,
        title: task.title,
        description: task.description,
        completed: task.completed,
        ...dueFields(task, zone),
      })),
      count: tasks.length,
    };
  },
});

export const completeTask = defineTool({
  name: 'complete_task',
  title: 'Complete a task',
  description: 'Mark a task as done, by its number (or UUID).',
  annotations: {
    readOnlyHint: false,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: false,
  },
  inputSchema: z.object({ user_id: userIdArg, task_id: taskIdArg }),
  outputSchema: taskSummary,
  async run(context, input) {
    const task = await context.tasks.completeTask(context.userId, input.task_id);
    return summary(context, task, 'completed');
  },
});

export const deleteTask = defineTool({
  name: 'delete_task',
  title: 'Delete a task',
  description: 'Delete a task for good, by its number (or UUID).',
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: false,
  },
  inputSchema: z.object({ user_id: userIdArg, task_id: taskIdArg }),
  outputSchema: taskSummary,
  async run(context, input) {
    const task = await context.tasks.deleteTask(context.userId, input.task_id);
    if (task === null) throw new NotFoundError('task');
    return summary(context, task, 'deleted');
  },
});

export const updateTask = defineTool({
  name: 'update_task',
  title: 'Update a task',
  description:
    "Change a task's title, description, due date or priority, or reopen a done task (completed: false), by its number (or UUID).",
  annotations: {
    readOnlyHint: false,
    destructiveHint: true,
    idempotentHint: true,
    openWorldHint: false,
  },
  inputSchema: z.object({
    user_id: userIdArg,
    task_id: taskIdArg,
    title: titleArg.optional().describe(`The new title (at most ${TASK_TITLE_MAX} characters)`),
    description: descriptionArg
      .optional()
      .describe(`The new description (at most ${TASK_DESCRIPTION_MAX} characters)`),
    due: dueArg.optional().describe('The new due date, e.g. "friday 9am"; null removes it'),
    priority: priorityArg.optional().describe('The new priority'),
    completed: z
      .boolean({ error: 'completed must be true or false' })
      .optional()
      .describe('false reopens a done task; true marks it done'),
  }),
  outputSchema: taskSummary,
  async run(context, input) {
    if (
      input.title === undefined &&
      input.description === undefined &&
      input.due === undefined &&
      input.priority === undefined &&
      input.completed === undefined
    ) {
      // Validates the reference first, so a wrong number says so.
      await existing(context, input.task_id);
      throw ValidationError.field(
        'title',
        'give a new title, description, due, priority or completed',
      );
    }
    const task = await context.tasks.updateTask(context.userId, input.task_id, {
      title: input.title,
      description: input.description,
      due: input.due,
      priority: input.priority,
      completed: input.completed,
    });
    return summary(context, task, 'updated');
  },
});

export const todoTools: readonly TodoTool[] = [
  addTask,
  listTasks,
  completeTask,
  deleteTask,
  updateTask,
];

export type ToolOutcome =
  { ok: true; output: Record<string, unknown> } | { ok: false; error: ToolError };

function taskRefOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const ref = (input as { task_id?: unknown }).task_id;
  return typeof ref === 'number' || typeof ref === 'string' ? String(ref) : undefined;
}

/**
 * Runs a tool for the connection's user. It never throws: every failure is a
 * ToolError from the one mapping in tool-error.ts, so a model or an MCP
 * client can act on its code, and nothing internal reaches them.
 */
export async function runTool(
  tool: TodoTool,
  context: ToolContext,
  rawInput: unknown,
): Promise<ToolOutcome> {
  const parsed = tool.inputSchema.safeParse(rawInput);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      field: issue.path.join('.') || 'arguments',
      message: issue.message,
    }));
    return {
      ok: false,
      error: toToolError(new ValidationError(issues), { tool: tool.name }, context.logger),
    };
  }
  const call = { tool: tool.name, taskRef: taskRefOf(parsed.data) };
  const claimed = (parsed.data as { user_id?: string }).user_id;
  if (claimed !== undefined && claimed !== context.userId) {
    return { ok: false, error: toToolError(new NotFoundError('user'), call, context.logger) };
  }
  try {
    return { ok: true, output: (await tool.run(context, parsed.data)) as Record<string, unknown> };
  } catch (error) {
    return { ok: false, error: toToolError(error, call, context.logger) };
  }
}
