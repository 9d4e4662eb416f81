// Timestamps of each phase of a pod's start-up in the agent, for bench/pods' breakdown of where
// the time between "pod bound" and "status written" goes. Off (a no-op) unless KITE_POD_TRACE
// names a file; then each phase's first occurrence per pod is appended to it as a JSON line
// {"uid","phase","t"} with t in epoch milliseconds (fractional, comparable across processes),
// and every 500 ms the process's event-loop delay over that interval as {"t","lag":{max,p99,mean}}.
import { createWriteStream, type WriteStream } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export type PodPhase =
  | 'seen' | 'sync' | 'state' | 'prepared' | 'sandbox-config' | 'sandbox' | 'sandbox-status'
  | 'image' | 'container-config' | 'created' | 'started' | 'state-after' | 'status-sent' | 'status-written';

/** Epoch milliseconds with sub-millisecond resolution. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

class PodTrace {
  readonly #out: WriteStream;
  readonly #seen = new Set<string>();

  constructor(file: string) {
    this.#out = createWriteStream(file, { flags: 'a' });
    this.#out.on('error', () => undefined);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
    setInterval(() => {
      if (delay.count === 0) return;
      this.#out.write(`${JSON.stringify({ t: epochMs(), lag: { max: ms(delay.max), p99: ms(delay.percentile(99)), mean: ms(delay.mean) } })}\n`);
      delay.reset();
    }, 500).unref();
  }

  mark(uid: string, phase: PodPhase): void {
    const key = `${uid} ${phase}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#out.write(`${JSON.stringify({ uid, phase, t: epochMs() })}\n`);
  }
}

const file = process.env.KITE_POD_TRACE;
const trace = file ? new PodTrace(file) : undefined;

/** Records that `uid` reached `phase` (only the first time); nothing unless KITE_POD_TRACE is set. */
export function tracePod(uid: string | undefined, phase: PodPhase): void {
  if (trace && uid) trace.mark(uid, phase);
}
