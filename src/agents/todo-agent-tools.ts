// The todo tools for an OpenAI Agents SDK agent: the same definitions the MCP
// server and the chat turn use (src/tools), run for one user against the
// store. A failure is returned to the model as {error: {code, hint}} rather
// than thrown, so it can tell the person what went wrong and how to fix it.
import { tool, type FunctionTool, type ToolInputParameters } from '@openai/agents';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { TaskService } from '../tasks/task.service.ts';
import { runTool, todoTools } from '../tools/todo-tools.ts';
import { id, parse } from '../validation.ts';

// The SDK's type for a plain JSON schema (not a zod one) taken as-is.
type JsonSchemaParameters = Extract<ToolInputParameters, { additionalProperties: true }>;

export interface TodoAgentToolsOptions {
  /** The store's tasks (`store.tasks`). */
  tasks: TaskService;
  /** The user whose list the tools read and change. */
  userId: string;
  /** Where an unexpected failure is logged; the model only ever sees a generic hint. */
  logger?: Logger | undefined;
}

/** add_task, list_tasks, complete_task, delete_task and update_task for one user. */
export function todoAgentTools(
  options: TodoAgentToolsOptions,
): FunctionTool<unknown, JsonSchemaParameters>[] {
  const context = {
    userId: parse(id, options.userId, 'userId'),
    tasks: options.tasks,
    logger: options.logger,
  };
  return todoTools.map((definition) =>
    tool({
      name: definition.name,
      description: definition.description,
      // Not strict: the schema has optional fields, and our own parse below
      // gives the model a message it can act on for any wrong argument.
      strict: false,
      parameters: jsonSchemaOf(definition.inputSchema),
      async execute(input: unknown) {
        const outcome = await runTool(definition, context, input);
        return outcome.ok ? outcome.output : { error: outcome.error };
      },
    }),
  );
}

function jsonSchemaOf(schema: z.ZodType): JsonSchemaParameters {
  // Only the plain JSON: zod marks its output as a Standard Schema too, which
  // the SDK would take for a zod schema (and insist on strict mode).
  const plain: Record<string, unknown> = { ...z.toJSONSchema(schema, { io: 'input' }) };
  delete plain.$schema;
  return plain as unknown as JsonSchemaParameters;
}
