// A stand-in for an OpenAI-compatible chat-completions server on 127.0.0.1,
// scripted turn by turn, recording what it was sent.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LanguageModel } from 'ai';
import { createChatModel } from '../../src/chat/chat-model.ts';

export type ScriptedReply =
  | { toolCalls: { name: string; arguments: string }[] }
  /** `hangAfter`: send the text, then neither finish nor close, as a model still writing. */
  | { text: string; hangAfter?: boolean }
  /** `delayMs`: answer only after that long, as a slow server. */
  | { status: number; body: string; delayMs?: number }
  | { hang: true };

export interface FakeOpenAI {
  readonly baseUrl: string;
  /** The JSON bodies of the chat-completion requests that offered tools (the turns), in order. */
  readonly requests: Record<string, unknown>[];
  /** Requests without tools: asking for a conversation's title. Answered with `title`. */
  readonly titleRequests: Record<string, unknown>[];
  close(): Promise<void>;
}

function chunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
  const body = {
    id: 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'fake-model',
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
}

export async function startFakeOpenAI(
  script: ScriptedReply[],
  options: { title?: ScriptedReply } = {},
): Promise<FakeOpenAI> {
  const requests: Record<string, unknown>[] = [];
  const titleRequests: Record<string, unknown>[] = [];
  let calls = 0;
  const server: Server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      const forTitle = body.tools === undefined;
      (forTitle ? titleRequests : requests).push(body);
      const scripted = forTitle ? (options.title ?? { text: 'Scripted title' }) : script[calls++];
      const reply = scripted ?? {
        status: 500,
        body: '{"error":{"message":"script exhausted"}}',
      };
      if ('hang' in reply) return; // never answers: the client's timeout must end it
      if ('status' in reply) {
        if (reply.delayMs !== undefined) {
          await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
        }
        response.writeHead(reply.status, { 'Content-Type': 'application/json' });
        response.end(reply.body);
        return;
      }
      response.writeHead(200, { 'Content-Type': 'text/event-stream' });
      if ('text' in reply) {
        response.write(chunk({ role: 'assistant', content: '' }));
        for (const word of reply.text.split(/(?<= )/)) response.write(chunk({ content: word }));
        if (reply.hangAfter === true) return;
        response.write(chunk({}, 'stop'));
      } else {
        response.write(
          chunk({
            role: 'assistant',
            tool_calls: reply.toolCalls.map((call, index) => ({
              index,
              id: `call_${calls}_${index}`,
              type: 'function',
              function: { name: call.name, arguments: call.arguments },
            })),
          }),
        );
        response.write(chunk({}, 'tool_calls'));
      }
      response.end('data: [DONE]\n\n');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    titleRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The chat model the server under test talks to `fake` through, as a deployment would configure it. */
export function modelFor(fake: FakeOpenAI): LanguageModel {
  return createChatModel({
    provider: 'openai-compatible',
    baseUrl: fake.baseUrl,
    apiKey: 'test-key',
    model: 'fake-model',
  });
}
