// Drives an interactive program (e.g. `kubectl exec -it`) through a real terminal: a detached tmux
// session on its own tmux server socket, keys sent with send-keys, the screen read with capture-pane.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export function tmuxSkipReason(): string | undefined {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, 'tmux'))) ? undefined : 'tmux is not installed';
}

export interface TmuxSession {
  /** Types text; `enter` presses Enter after it. */
  send(text: string, enter?: boolean): Promise<void>;
  /** The visible screen, lines joined with \n. */
  screen(): Promise<string>;
  /** Polls the screen until test() matches it. */
  waitFor(test: RegExp, timeoutMs?: number): Promise<string>;
  /** True while the program in the session still runs. */
  alive(): Promise<boolean>;
  /** Kills the session and its tmux server. */
  close(): Promise<void>;
}

export async function startTmux(argv: string[], opts: { width?: number; height?: number } = {}): Promise<TmuxSession> {
  const socket = `kite-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const tmux = (args: string[]): Promise<{ stdout: string }> => run('tmux', ['-L', socket, '-f', '/dev/null', ...args]);
  const name = 'main';
  // The command line is one shell string for tmux: quote each argument.
  const command = argv.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  await tmux(['new-session', '-d', '-s', name, '-x', String(opts.width ?? 120), '-y', String(opts.height ?? 30), command]);
  const screen = async (): Promise<string> => (await tmux(['capture-pane', '-p', '-t', name])).stdout;
  return {
    send: async (text, enter = true) => {
      await tmux(['send-keys', '-t', name, '-l', text]);
      if (enter) await tmux(['send-keys', '-t', name, 'Enter']);
    },
    screen,
    waitFor: async (test, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      let last = '';
      for (;;) {
        last = await screen().catch(() => last);
        if (test.test(last)) return last;
        if (Date.now() > deadline) throw new Error(`the terminal never showed ${test}; it shows:\n${last}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    alive: () => tmux(['has-session', '-t', name]).then(() => true, () => false),
    close: () => tmux(['kill-server']).then(() => undefined, () => undefined),
  };
}
