// Child processes as a user starts them: `todochat serve`, `npm start`,
// `npx todochat ...`. Each runs in its own process group, so stopping it
// also stops whatever wrapper (npm, npx, sh) sits between us and node.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface RunningProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far. */
  output(): string;
  /** Resolves with the first match of `pattern` in the output, or rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited(): Promise<number | string>;
  /** Sends `signal` to the process alone. */
  signal(signal: NodeJS.Signals): void;
  /** Whether any process of the group (the child or anything it started) still runs. */
  groupAlive(): boolean;
  /** Ends the whole process group if it is still running. Idempotent. */
  stop(): Promise<void>;
}

export function startProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let text = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exit = once(child, 'exit').then(([code, signal]) =>
    code === null ? String(signal) : Number(code),
  );
  let gone = false;
  void exit.then(() => {
    gone = true;
    for (const listener of listeners) listener();
  });

  return {
    child,
    output: () => text,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out waiting for ${pattern} in:\n${text}`));
        }, timeoutMs);
        const check = (): void => {
          const match = text.match(pattern);
          if (match !== null) {
            done();
            resolve(match);
          } else if (gone) {
            done();
            reject(new Error(`exited before ${pattern} appeared:\n${text}`));
          }
        };
        const done = (): void => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    exited: () => exit,
    signal(signal) {
      child.kill(signal);
    },
    groupAlive() {
      if (child.pid === undefined) return false;
      try {
        process.kill(-child.pid, 0);
        return true;
      } catch {
        return false;
      }
    },
    async stop() {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      if (gone) return;
      const timer = setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** The URL a server logs in its `todochat listening` line. */
export async function listeningUrl(server: RunningProcess, timeoutMs?: number): Promise<string> {
  const match = await server.waitFor(
    /"url":"(http:[^"]+)"[^\n]*"msg":"todochat listening"/,
    timeoutMs,
  );
  return match[1] ?? '';
}

/** Runs a command to the end; resolves with its exit code and output. */
export async function runProcess(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number | string; output: string }> {
  const running = startProcess(command, args, options);
  const timer = setTimeout(() => void running.stop(), options.timeoutMs ?? 120_000);
  const code = await running.exited();
  clearTimeout(timer);
  return { code, output: running.output() };
}
