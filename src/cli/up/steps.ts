// Progress for `kite up` / `kite down`: one line per step with its duration, a live elapsed counter
// while it runs on a terminal (cli-progress would redraw a bar; these steps have no known size).
import { performance } from 'node:perf_hooks';

export interface StepOutput {
  write(text: string): void;
  isTTY?: boolean;
}

export class Steps {
  readonly #out: StepOutput;
  readonly #started = performance.now();

  constructor(out: StepOutput = process.stdout) {
    this.#out = out;
  }

  /** Milliseconds since these steps began. */
  get elapsedMs(): number {
    return performance.now() - this.#started;
  }

  /** Runs fn as a step: "  ✓ title  (1.2 s)" or "  ✗ title" with the error rethrown. `detail` may be set by fn. */
  async run<T>(title: string, fn: (step: { detail: string }) => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const step = { detail: '' };
    const live = this.#out.isTTY === true;
    let timer: NodeJS.Timeout | undefined;
    if (live) {
      const draw = (): void => this.#out.write(`\r\x1b[2K  … ${title}${step.detail ? ` (${step.detail})` : ''}  ${formatMs(performance.now() - t0)}`);
      draw();
      timer = setInterval(draw, 100);
    }
    const finish = (mark: string): void => {
      clearInterval(timer);
      const line = `  ${mark} ${title}${step.detail ? ` (${step.detail})` : ''}  ${formatMs(performance.now() - t0)}\n`;
      this.#out.write(live ? `\r\x1b[2K${line}` : line);
    };
    try {
      const out = await fn(step);
      finish('✓');
      return out;
    } catch (err) {
      finish('✗');
      throw err;
    }
  }

  /** A plain line (no timing). */
  say(text: string): void {
    this.#out.write(`${text}\n`);
  }
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
