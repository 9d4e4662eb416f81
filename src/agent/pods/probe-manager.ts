// The kubelet's probe manager and workers (pkg/kubelet/prober): one worker per running container
// and probe type, probing every periodSeconds once initialDelaySeconds have passed since the
// container started, turning single outcomes into a result only after successThreshold /
// failureThreshold consecutive ones. Readiness starts false, liveness true, startup unknown;
// liveness and readiness wait for the startup probe. Each failed probe is an Unhealthy event.
// The probe itself is run by probes/prober.ts.
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import type { Clock, TimerHandle } from '../../client/clock.js';
import { ProbeError, type ProbeType, runProbe } from '../probes/prober.js';
import type { ProbeOutcome } from '../probes/types.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { containerRef } from './container-ops.js';
import type { RecordEvent } from './images.js';
import type { PodProber, ProbeTarget } from './seams.js';

export type RunProbe = (probe: Probe, target: { runtime: ContainerRuntime; container: Container; containerId: string; podIP: string }) => Promise<ProbeOutcome>;

export interface ProbeManagerOptions {
  runtime: ContainerRuntime;
  clock: Clock;
  record: RecordEvent;
  /** Default: probes/prober.ts runProbe. */
  runProbe?: RunProbe;
}

interface Worker {
  key: string;
  type: ProbeType;
  pod: Pod;
  container: Container;
  probe: Probe;
  containerId: string;
  startedAt: number;
  podIP: string;
  /** Last outcome and how many times in a row it came. */
  lastOutcome?: boolean;
  run: number;
  /** Liveness/startup failed: nothing more until the container is replaced. */
  onHold: boolean;
  timer?: TimerHandle;
  busy: boolean;
  stopped: boolean;
}

interface ContainerResults {
  podUid: string;
  hasReadiness: boolean;
  hasStartup: boolean;
  ready?: boolean;
  started?: boolean;
  livenessFailed?: boolean;
  startupFailed?: boolean;
}

const TYPES: Array<[ProbeType, keyof Pick<Container, 'readinessProbe' | 'livenessProbe' | 'startupProbe'>]> = [
  ['Startup', 'startupProbe'], ['Liveness', 'livenessProbe'], ['Readiness', 'readinessProbe'],
];

export class ProbeManager implements PodProber {
  readonly #opts: ProbeManagerOptions;
  readonly #run: RunProbe;
  readonly #workers = new Map<string, Worker>();
  readonly #results = new Map<string, ContainerResults>();
  readonly #listeners: Array<(uid: string) => void> = [];

  constructor(opts: ProbeManagerOptions) {
    this.#opts = opts;
    this.#run = opts.runProbe ?? runProbe;
  }

  ready(id: string): boolean {
    const r = this.#results.get(id);
    return !r?.hasReadiness || r.ready === true;
  }

  started(id: string): boolean {
    const r = this.#results.get(id);
    return !r?.hasStartup || r.started === true;
  }

  livenessFailed(id: string): boolean {
    return this.#results.get(id)?.livenessFailed === true;
  }

  startupFailed(id: string): boolean {
    return this.#results.get(id)?.startupFailed === true;
  }

  onChange(listener: (podUid: string) => void): void {
    this.#listeners.push(listener);
  }

  updatePod(pod: Pod, podIP: string, running: ProbeTarget[]): void {
    const uid = pod.metadata?.uid ?? '';
    const wanted = new Set<string>();
    for (const target of running) {
      const container = pod.spec?.containers?.find((c) => c.name === target.name);
      if (!container) continue;
      if (!this.#results.has(target.id)) {
        this.#results.set(target.id, { podUid: uid, hasReadiness: !!container.readinessProbe, hasStartup: !!container.startupProbe });
      }
      for (const [type, field] of TYPES) {
        const probe = container[field];
        if (!probe) continue;
        const key = `${uid}/${container.name}/${type}`;
        wanted.add(key);
        const existing = this.#workers.get(key);
        if (existing && existing.containerId === target.id) {
          existing.podIP = podIP;
          continue;
        }
        if (existing) this.#stopWorker(existing);
        const w: Worker = { key, type, pod, container, probe, containerId: target.id, startedAt: target.startedAt, podIP, run: 0, onHold: false, busy: false, stopped: false };
        this.#workers.set(key, w);
        // The first probe runs at once (it is skipped while initialDelaySeconds have not passed).
        this.#schedule(w, 0);
      }
    }
    for (const [key, w] of this.#workers) {
      if (key.startsWith(`${uid}/`) && !wanted.has(key)) this.#stopWorker(w);
    }
    // Results of the pod's containers that no longer run go with them.
    const live = new Set(running.map((r) => r.id));
    for (const [id, r] of this.#results) if (r.podUid === uid && !live.has(id)) this.#results.delete(id);
  }

  removePod(uid: string): void {
    for (const [key, w] of this.#workers) {
      if (!key.startsWith(`${uid}/`)) continue;
      this.#stopWorker(w);
    }
    for (const [id, r] of this.#results) if (r.podUid === uid) this.#results.delete(id);
  }

  stop(): void {
    for (const w of this.#workers.values()) this.#stopWorker(w);
  }

  #stopWorker(w: Worker): void {
    w.stopped = true;
    if (w.timer) this.#opts.clock.clearTimeout(w.timer);
    this.#workers.delete(w.key);
  }

  #schedule(w: Worker, ms: number): void {
    if (w.stopped) return;
    w.timer = this.#opts.clock.setTimeout(() => {
      w.timer = undefined;
      void this.#tick(w);
    }, ms);
  }

  async #tick(w: Worker): Promise<void> {
    if (w.stopped || w.busy) return;
    w.busy = true;
    try {
      await this.#probeOnce(w);
    } finally {
      w.busy = false;
      this.#schedule(w, (w.probe.periodSeconds || 10) * 1000);
    }
  }

  /** The kubelet's worker.doProbe. */
  async #probeOnce(w: Worker): Promise<void> {
    const results = this.#results.get(w.containerId);
    if (!results || w.onHold) return;
    // Liveness and readiness wait until the startup probe succeeded.
    if (w.type !== 'Startup' && results.hasStartup && results.started !== true) return;
    if (w.type === 'Startup' && results.started === true) return;
    if (this.#opts.clock.now() - w.startedAt < (w.probe.initialDelaySeconds ?? 0) * 1000) return;

    let outcome: ProbeOutcome;
    const ref = containerRef(w.pod, w.container.name, 'regular');
    try {
      outcome = await this.#run(w.probe, { runtime: this.#opts.runtime, container: w.container, containerId: w.containerId, podIP: w.podIP });
    } catch (err) {
      if (!(err instanceof ProbeError) && !(err instanceof Error)) throw err;
      this.#opts.record(ref, 'Warning', 'Unhealthy', `${w.type} probe errored: ${err.message}`);
      return;
    }
    if (w.stopped) return;
    if (outcome.result === 'failure') this.#opts.record(ref, 'Warning', 'Unhealthy', `${w.type} probe failed: ${outcome.output.trim()}`);
    else if (outcome.result === 'warning') this.#opts.record(ref, 'Warning', 'ProbeWarning', `${w.type} probe warning: ${outcome.output.trim()}`);
    const ok = outcome.result !== 'failure';
    w.run = w.lastOutcome === ok ? w.run + 1 : 1;
    w.lastOutcome = ok;
    const threshold = ok ? (w.probe.successThreshold || 1) : (w.probe.failureThreshold || 3);
    if (w.run < threshold) return;
    this.#set(w, results, ok);
  }

  #set(w: Worker, r: ContainerResults, ok: boolean): void {
    let changed = false;
    if (w.type === 'Readiness' && r.ready !== ok) {
      r.ready = ok;
      changed = true;
    } else if (w.type === 'Liveness' && !ok && !r.livenessFailed) {
      r.livenessFailed = true;
      changed = true;
    } else if (w.type === 'Startup') {
      if (ok && r.started !== true) {
        r.started = true;
        changed = true;
      } else if (!ok && !r.startupFailed) {
        r.startupFailed = true;
        changed = true;
      }
    }
    // A failed liveness or startup probe kills the container: probing it further means nothing.
    if (!ok && (w.type === 'Liveness' || w.type === 'Startup')) {
      w.onHold = true;
      w.run = 0;
    }
    if (changed) for (const listener of this.#listeners) listener(w.pod.metadata?.uid ?? '');
  }
}
