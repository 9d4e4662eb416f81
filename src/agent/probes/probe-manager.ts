// The agent's prober (implements pods/seams.ts PodProber): probe workers for each running
// container instance of each pod, their results by container id, and a change callback that
// makes the pod worker sync again (readiness flipped, liveness or startup failed).
//
//   const prober = new ProbeManager({ runtime, record });
//   prober.onChange((uid) => podWorkers.resync(uid));
//   prober.updatePod(pod, podIP, running);     // after each sync
//   prober.ready(containerId); prober.livenessFailed(containerId); ...
import type { Container, Pod, Probe } from 'kubernetes-types/core/v1.js';
import { type Clock, realClock } from '../../client/clock.js';
import type { EventType, ObjectReference } from '../../client/event-recorder.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { type ProbeType, runProbe } from './prober.js';
import { ProbeWorker } from './worker.js';

export type RecordProbeEvent = (ref: ObjectReference, type: EventType, reason: string, message: string) => void;

export interface ProbeManagerOptions {
  runtime: ContainerRuntime;
  record?: RecordProbeEvent;
  clock?: Clock;
}

/** A running container instance to probe. */
export interface ProbeTarget {
  id: string;
  name: string;
  /** When it started (ms since the epoch). */
  startedAt: number;
}

interface Entry {
  podUid: string;
  workers: Map<ProbeType, ProbeWorker>;
}

interface PodInfo {
  pod: Pod;
  podIP: string;
  ids: Set<string>;
}

const PROBES: [ProbeType, keyof Pick<Container, 'livenessProbe' | 'readinessProbe' | 'startupProbe'>][] = [
  ['Startup', 'startupProbe'], ['Readiness', 'readinessProbe'], ['Liveness', 'livenessProbe'],
];

export class ProbeManager {
  readonly #opts: ProbeManagerOptions;
  readonly #clock: Clock;
  readonly #containers = new Map<string, Entry>();
  readonly #pods = new Map<string, PodInfo>();
  readonly #listeners: ((podUid: string) => void)[] = [];

  constructor(opts: ProbeManagerOptions) {
    this.#opts = opts;
    this.#clock = opts.clock ?? realClock;
  }

  onChange(listener: (podUid: string) => void): void {
    this.#listeners.push(listener);
  }

  /** Starts workers for new container instances, stops those of instances no longer running. */
  updatePod(pod: Pod, podIP: string, running: ProbeTarget[]): void {
    const uid = pod.metadata?.uid ?? '';
    const info = this.#pods.get(uid) ?? { pod, podIP, ids: new Set<string>() };
    info.pod = pod;
    info.podIP = podIP;
    this.#pods.set(uid, info);
    const live = new Set(running.map((r) => r.id));
    for (const id of [...info.ids]) {
      if (!live.has(id)) this.#drop(id, info);
    }
    for (const target of running) {
      if (info.ids.has(target.id)) continue;
      info.ids.add(target.id);
      const { container, fieldPath } = findContainer(pod, target.name);
      const entry: Entry = { podUid: uid, workers: new Map() };
      this.#containers.set(target.id, entry);
      if (!container) continue;
      for (const [type, field] of PROBES) {
        const probe = container[field];
        if (probe) entry.workers.set(type, this.#worker(type, probe, target, container, fieldPath, info, entry));
      }
      for (const w of entry.workers.values()) w.start();
    }
  }

  #worker(type: ProbeType, probe: Probe, target: ProbeTarget, container: Container, fieldPath: string, info: PodInfo, entry: Entry): ProbeWorker {
    return new ProbeWorker(type, probe, target.startedAt, {
      clock: this.#clock,
      run: (p) => runProbe(p, { runtime: this.#opts.runtime, container, containerId: target.id, podIP: info.podIP }),
      record: (reason, message) => this.#opts.record?.(podRef(info.pod, fieldPath), 'Warning', reason, message),
      started: () => this.started(target.id),
      deleting: () => !!info.pod.metadata?.deletionTimestamp,
      onChange: (t, result) => {
        if (t === 'Startup' && result === 'success') for (const w of entry.workers.values()) if (w.type !== 'Startup') w.probeNow();
        for (const l of this.#listeners) l(entry.podUid);
      },
    });
  }

  #drop(id: string, info: PodInfo): void {
    for (const w of this.#containers.get(id)?.workers.values() ?? []) w.stop();
    this.#containers.delete(id);
    info.ids.delete(id);
  }

  removePod(uid: string): void {
    const info = this.#pods.get(uid);
    if (!info) return;
    for (const id of [...info.ids]) this.#drop(id, info);
    this.#pods.delete(uid);
  }

  stop(): void {
    for (const uid of [...this.#pods.keys()]) this.removePod(uid);
  }

  #result(id: string, type: ProbeType): string | undefined {
    return this.#containers.get(id)?.workers.get(type)?.result;
  }

  /** Started: the startup probe succeeded (true without one, and for unknown ids). */
  started(containerId: string): boolean {
    const r = this.#result(containerId, 'Startup');
    return r === undefined || r === 'success';
  }

  /** Ready: started, and the readiness probe's last settled result is success (true without one). */
  ready(containerId: string): boolean {
    if (!this.started(containerId)) return false;
    const r = this.#result(containerId, 'Readiness');
    return r === undefined || r === 'success';
  }

  livenessFailed(containerId: string): boolean {
    return this.#result(containerId, 'Liveness') === 'failure';
  }

  startupFailed(containerId: string): boolean {
    return this.#result(containerId, 'Startup') === 'failure';
  }
}

function findContainer(pod: Pod, name: string): { container?: Container; fieldPath: string } {
  const c = pod.spec?.containers?.find((x) => x.name === name);
  if (c) return { container: c, fieldPath: `spec.containers{${name}}` };
  const init = pod.spec?.initContainers?.find((x) => x.name === name);
  return { container: init, fieldPath: `spec.initContainers{${name}}` };
}

function podRef(pod: Pod, fieldPath: string): ObjectReference {
  const m = pod.metadata ?? {};
  return { kind: 'Pod', apiVersion: 'v1', namespace: m.namespace, name: m.name, uid: m.uid, resourceVersion: m.resourceVersion, fieldPath };
}
