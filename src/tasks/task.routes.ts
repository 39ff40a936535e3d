// /api/tasks: the caller's todo list. A task is addressed by its UUID or by
// its per-user number ("/api/tasks/3").
import { createRoute, z } from '@hono/zod-openapi';
import { NotFoundError } from '../errors.ts';
import type { AppRouter } from '../http/app-env.ts';
import {
  bearerSecurity,
  createRouter,
  errorResponses,
  jsonBody,
  jsonContent,
} from '../http/openapi.ts';
import {
  TASK_DESCRIPTION_MAX,
  TASK_DUE_TEXT_MAX,
  TASK_TITLE_MAX,
  type TaskService,
} from './task.service.ts';
import { TASK_DUE_FILTERS, TASK_PRIORITIES, type Task } from './task.ts';
import { isoTime, optionalIsoTime } from '../iso-time.ts';

export const TaskSchema = z
  .object({
    id: z.uuid(),
    number: z.int().openapi({ description: 'Per-user number, 1, 2, 3...: "task 3"' }),
    title: z.string(),
    description: z.string().nullable(),
    completed: z.boolean(),
    due_date: z.iso.date().nullable().openapi({
      description: "The due day in the user's time zone; null when the task has no due date",
      example: '2026-12-04',
    }),
    due_at: z.iso.datetime().nullable().openapi({
      description: 'The due instant (UTC) when a time of day was given; null for a date-only due',
      example: '2026-12-04T16:00:00.000Z',
    }),
    priority: z.enum(TASK_PRIORITIES),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .openapi('Task');

const TaskRefParams = z.object({
  id: z
    .union([z.guid(), z.string().regex(/^[1-9]\d{0,9}$/)], {
      error: 'must be a task id (a UUID) or a task number',
    })
    .transform((ref) => (/^\d+$/.test(ref) ? Number(ref) : ref))
    .openapi({
      param: { name: 'id', in: 'path' },
      description: 'The task UUID or its number',
      example: '3',
    }),
});

const titleDoc = { description: `1 to ${TASK_TITLE_MAX} characters` };
const descriptionDoc = { description: `Up to ${TASK_DESCRIPTION_MAX} characters` };
const dueField = z
  .string()
  .nullable()
  .optional()
  .openapi({
    description: `An ISO 8601 date (a date-only due) or date-time; a date-time without an offset, and words such as "tomorrow 5pm" or "in 3 days", are read in the user's time zone. Up to ${TASK_DUE_TEXT_MAX} characters; null clears the due date.`,
    example: '2026-12-04T17:00',
  });
const priorityField = z
  .enum(TASK_PRIORITIES, { error: "must be 'low', 'normal' or 'high'" })
  .optional()
  .openapi({ description: 'Default normal' });

export function toTaskJson(task: Task): z.infer<typeof TaskSchema> {
  return {
    id: task.id,
    number: task.number,
    title: task.title,
    description: task.description,
    completed: task.completed,
    due_date: task.due?.date ?? null,
    due_at: optionalIsoTime(task.due?.at),
    priority: task.priority,
    created_at: isoTime(task.createdAt),
    updated_at: isoTime(task.updatedAt),
  };
}

const tags = ['tasks'];

const listTasks = createRoute({
  method: 'get',
  path: '/api/tasks',
  operationId: 'listTasks',
  tags,
  summary: "The caller's tasks: by due day (no date last), then priority (high first), then number",
  security: bearerSecurity,
  request: {
    query: z.object({
      status: z
        .enum(['all', 'pending', 'completed'], {
          error: "must be 'all', 'pending' or 'completed'",
        })
        .optional(),
      due: z
        .enum(TASK_DUE_FILTERS, { error: "must be 'today', 'overdue', 'upcoming' or 'none'" })
        .optional()
        .openapi({
          description:
            "Days in the caller's time zone: due today; overdue (not completed, past its day or time); upcoming (after today); none (no due date)",
        }),
      priority: priorityField,
    }),
  },
  responses: {
    200: jsonContent(z.object({ tasks: z.array(TaskSchema) }).openapi('TaskList'), 'The tasks'),
    ...errorResponses('unauthorized', 'validation_failed'),
  },
});

const addTask = createRoute({
  method: 'post',
  path: '/api/tasks',
  operationId: 'createTask',
  tags,
  summary: 'Add a task',
  security: bearerSecurity,
  request: {
    body: jsonBody(
      z
        .object({
          title: z.string().openapi(titleDoc),
          description: z.string().nullable().optional().openapi(descriptionDoc),
          due: dueField,
          priority: priorityField,
        })
        .openapi('NewTask'),
    ),
  },
  responses: {
    201: jsonContent(TaskSchema, 'The new task'),
    ...errorResponses(
      'malformed_request',
      'unauthorized',
      'unsupported_media_type',
      'validation_failed',
    ),
  },
});

const getTask = createRoute({
  method: 'get',
  path: '/api/tasks/{id}',
  operationId: 'getTask',
  tags,
  summary: 'One task',
  security: bearerSecurity,
  request: { params: TaskRefParams },
  responses: {
    200: jsonContent(TaskSchema, 'The task'),
    ...errorResponses('unauthorized', 'not_found', 'validation_failed'),
  },
});

const updateTask = createRoute({
  method: 'patch',
  path: '/api/tasks/{id}',
  operationId: 'updateTask',
  tags,
  summary: 'Change, complete or reopen a task',
  security: bearerSecurity,
  request: {
    params: TaskRefParams,
    body: jsonBody(
      z
        .object({
          title: z.string().optional().openapi(titleDoc),
          description: z.string().nullable().optional().openapi(descriptionDoc),
          completed: z.boolean().optional(),
          due: dueField,
          priority: priorityField,
        })
        .openapi('TaskChanges'),
    ),
  },
  responses: {
    200: jsonContent(TaskSchema, 'The updated task'),
    ...errorResponses(
      'malformed_request',
      'unauthorized',
      'not_found',
      'unsupported_media_type',
      'validation_failed',
    ),
  },
});

const deleteTask = createRoute({
  method: 'delete',
  path: '/api/tasks/{id}',
  operationId: 'deleteTask',
  tags,
  summary: 'Delete a task',
  security: bearerSecurity,
  request: { params: TaskRefParams },
  responses: {
    204: { description: 'Deleted' },
    ...errorResponses('unauthorized', 'not_found', 'validation_failed'),
  },
});

export function taskRoutes(tasks: TaskService): AppRouter {
  return createRouter()
    .openapi(listTasks, async (c) => {
      const list = await tasks.listTasks(c.get('userId'), c.req.valid('query'));
      return c.json({ tasks: list.map(toTaskJson) }, 200);
    })
    .openapi(addTask, async (c) => {
      const task = await tasks.addTask(c.get('userId'), c.req.valid('json'));
      return c.json(toTaskJson(task), 201);
    })
    .openapi(getTask, async (c) => {
      const task = await tasks.getTask(c.get('userId'), c.req.valid('param').id);
      if (task === null) throw new NotFoundError('task');
      return c.json(toTaskJson(task), 200);
    })
    .openapi(updateTask, async (c) => {
      const task = await tasks.updateTask(
        c.get('userId'),
        c.req.valid('param').id,
        c.req.valid('json'),
      );
      return c.json(toTaskJson(task), 200);
    })
    .openapi(deleteTask, async (c) => {
      const deleted = await tasks.deleteTask(c.get('userId'), c.req.valid('param').id);
      if (deleted === null) throw new NotFoundError('task');
      return c.body(null, 204);
    });
}
