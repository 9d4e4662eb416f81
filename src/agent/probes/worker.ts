// One probe of one container instance (the kubelet's probe worker): first run once
// initialDelaySeconds have passed since the container started, then every periodSeconds;
// readiness/liveness wait for the startup probe; a result only changes after successThreshold
// successes or failureThreshold failures in a row; a liveness/startup failure ends the worker
// (the container is restarted and gets new workers); errors (no result) are reported, not counted.
import type { Probe } from 'kubernetes-types/core/v1.js';
import type { Clock, TimerHandle } from '../../client/clock.js';
import { ProbeError, type ProbeType } from './prober.js';
import type { ProbeOutcome } from './types.js';

export type StoredResult = 'success' | 'failure' | 'unknown';

/** Where a worker starts: not ready, alive, not started. */
export const INITIAL_RESULT: Record<ProbeType, StoredResult> = { Readiness: 'failure', Liveness: 'success', Startup: 'unknown' };

/** How many times a probe that errors is retried at once (maxProbeRetries). */
const MAX_RETRIES = 3;

export interface ProbeWorkerDeps {
  clock: Clock;
  /** Runs the probe once; rejects with ProbeError when it cannot be run. */
  run(probe: Probe): Promise<ProbeOutcome>;
  /** Records a container event (Warning Unhealthy / ProbeWarning). */
  record(reason: string, message: string): void;
  /** The stored result changed. */
  onChange(type: ProbeType, result: StoredResult): void;
  /** Whether the container has started (its startup probe passed, or it has none). */
  started(): boolean;
  /** The pod is being deleted: liveness and startup probes stop and report success. */
  deleting(): boolean;
}

export class ProbeWorker {
  #result: StoredResult;
  #last: 'success' | 'failure' | undefined;
  #run = 0;
  #timer: TimerHandle | undefined;
  #stopped = false;
  #busy = false;

  constructor(readonly type: ProbeType, readonly probe: Probe, readonly startedAt: number, readonly deps: ProbeWorkerDeps) {
    this.#result = INITIAL_RESULT[type];
  }

  get result(): StoredResult {
    return this.#result;
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  get #periodMs(): number {
    return Math.max(1, this.probe.periodSeconds ?? 10) * 1000;
  }

  start(): void {
    const delay = this.startedAt + (this.probe.initialDelaySeconds ?? 0) * 1000 - this.deps.clock.now();
    this.#schedule(Math.max(0, delay));
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) this.deps.clock.clearTimeout(this.#timer);
  }

  /** Probes now (e.g. right after the startup probe passed) instead of at the next tick. */
  probeNow(): void {
    if (this.#stopped || this.#busy) return;
    if (this.#timer) this.deps.clock.clearTimeout(this.#timer);
    if (this.deps.clock.now() < this.startedAt + (this.probe.initialDelaySeconds ?? 0) * 1000) return this.start();
    this.#schedule(0);
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = this.deps.clock.setTimeout(() => {
      void this.#tick().finally(() => {
        if (!this.#stopped) this.#schedule(this.#periodMs);
      });
    }, ms);
  }

  #set(result: StoredResult): void {
    if (this.#result === result) return;
    this.#result = result;
    this.deps.onChange(this.type, result);
  }

  async #tick(): Promise<void> {
    if (this.#stopped) return;
    if (this.deps.deleting() && this.type !== 'Readiness') {
      this.#set('success');
      this.stop();
      return;
    }
    const started = this.deps.started();
    if (this.type === 'Startup' ? started : !started) return;

    this.#busy = true;
    let outcome: ProbeOutcome | undefined;
    try {
      for (let attempt = 0; attempt < MAX_RETRIES && !outcome; attempt++) {
        try {
          outcome = await this.deps.run(this.probe);
        } catch (err) {
          if (!(err instanceof ProbeError) || attempt === MAX_RETRIES - 1) {
            this.deps.record('Unhealthy', `${this.type} probe errored and resulted in unknown state: ${(err as Error).message}`);
            return; // no result: the kubelet throws it away
          }
        }
      }
    } finally {
      this.#busy = false;
    }
    if (this.#stopped || !outcome) return;

    if (outcome.result === 'failure') this.deps.record('Unhealthy', `${this.type} probe failed: ${outcome.output}`);
    if (outcome.result === 'warning') this.deps.record('ProbeWarning', `${this.type} probe warning: ${outcome.output}`);
    const result = outcome.result === 'failure' ? 'failure' : 'success';
    this.#run = this.#last === result ? this.#run + 1 : 1;
    this.#last = result;
    const threshold = result === 'failure' ? (this.probe.failureThreshold ?? 3) : (this.probe.successThreshold ?? 1);
    if (this.#run < Math.max(1, threshold)) return;
    this.#set(result);
    if (result === 'failure' && this.type !== 'Readiness') this.stop(); // restarted with new workers
  }
}
