// What the assistant did with the tools, in a few words per call, from the
// tool parts useChat builds (streamed) or rebuilt from saved history.
import { isToolUIPart, type UIMessage } from 'ai';
import { plural } from './text.ts';

export interface ToolActivity {
  key: string;
  text: string;
  state: 'running' | 'done' | 'failed';
}

interface TaskOutput {
  task_id?: number;
  title?: string;
  tasks?: unknown[];
  count?: number;
}

const VERBS: Record<string, string> = {
  add_task: 'Added',
  complete_task: 'Completed',
  delete_task: 'Deleted',
  update_task: 'Updated',
};

export function describeToolCall(name: string, output: unknown): string {
  const result = (output ?? {}) as TaskOutput;
  if (name === 'list_tasks') {
    const count = Array.isArray(result.tasks) ? result.tasks.length : (result.count ?? 0);
    return `Listed ${plural(count, 'task')}`;
  }
  const verb = VERBS[name];
  if (verb === undefined) return name.replaceAll('_', ' ');
  const task = `task ${result.task_id === undefined ? '?' : String(result.task_id)}`;
  return `${verb} ${task}${typeof result.title === 'string' ? `: ${result.title}` : ''}`;
}

export function toolActivities(message: UIMessage): ToolActivity[] {
  return message.parts.filter(isToolUIPart).map((part) => {
    const name = part.type === 'dynamic-tool' ? part.toolName : part.type.slice('tool-'.length);
    const label = name.replaceAll('_', ' ');
    if (part.state === 'output-error')
      return {
        key: part.toolCallId,
        text: `${label[0]?.toUpperCase() ?? ''}${label.slice(1)} failed`,
        state: 'failed',
      };
    if (part.state === 'output-available')
      return { key: part.toolCallId, text: describeToolCall(name, part.output), state: 'done' };
    return { key: part.toolCallId, text: `Working: ${label}…`, state: 'running' };
  });
}

/** Whether a reply changed tasks, so the panel should reload them. */
export function touchesTasks(message: UIMessage): boolean {
  return message.parts.some(
    (part) =>
      isToolUIPart(part) && part.state === 'output-available' && !part.type.endsWith('list_tasks'),
  );
}
