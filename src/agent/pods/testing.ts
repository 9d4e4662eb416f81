// Test harness for the pod workers: a PodController over the fake client, the fake runtime and a
// fake clock, with a minimal config builder and a scriptable prober. Tests drive time and the
// runtime by hand and wait for the workers with settle().
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import { FakeClock } from '../../client/clock.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import { PODS } from '../../client/resources.js';
import { FakeRuntime } from '../runtime/fake-runtime.js';
import type { ContainerConfig, PodSandboxConfig } from '../runtime/types.js';
import { NoPodCgroups } from './pod-cgroups.js';
import { PodController } from './pod-controller.js';
import { type ContainerConfigContext, NoProbes, type PodConfigBuilder } from './seams.js';

export const NODE = 'node-1';
export const NODE_IP = '192.168.1.10';

/** Builds configs from the spec alone; records what it was asked to prepare and clean up. */
export class TestBuilder implements PodConfigBuilder {
  readonly prepared: string[] = [];
  readonly cleaned: string[] = [];
  async preparePod(pod: Pod): Promise<void> {
    this.prepared.push(pod.metadata?.uid ?? '');
  }
  async sandboxConfig(pod: Pod, attempt: number): Promise<PodSandboxConfig> {
    const uid = pod.metadata?.uid ?? '';
    return {
      metadata: { name: pod.metadata?.name ?? '', namespace: pod.metadata?.namespace ?? '', uid, attempt },
      logDirectory: `/logs/${uid}`,
      linux: { cgroupParent: `/kite/pod${uid}` },
    };
  }
  async containerConfig(_pod: Pod, container: Container, ctx: ContainerConfigContext): Promise<ContainerConfig> {
    return {
      metadata: { name: container.name, attempt: ctx.restartCount },
      image: { image: container.image ?? '' },
      command: container.command,
      args: container.args,
      logPath: `${container.name}/${ctx.restartCount}.log`,
    };
  }
  readonly onDisk = new Set<string>();
  async cleanupPod(uid: string): Promise<void> {
    this.cleaned.push(uid);
    this.onDisk.delete(uid);
  }
  async podsOnDisk(): Promise<string[]> {
    return [...this.onDisk];
  }
}

/** NoProbes whose results a test sets per container id. */
export class ScriptedProber extends NoProbes {
  readonly readiness = new Map<string, boolean>();
  readonly liveness = new Set<string>();
  #listener: ((uid: string) => void) | undefined;
  override ready(id: string): boolean {
    return this.readiness.get(id) ?? true;
  }
  override livenessFailed(id: string): boolean {
    return this.liveness.has(id);
  }
  override onChange(listener: (uid: string) => void): void {
    this.#listener = listener;
  }
  changed(uid: string): void {
    this.#listener?.(uid);
  }
}

export interface Harness {
  clock: FakeClock;
  client: FakeClient;
  runtime: FakeRuntime;
  builder: TestBuilder;
  prober: ScriptedProber;
  cgroups: RemovedCgroups;
  controller: PodController;
  /** Creates a pod bound to NODE and waits for its first sync. */
  createPod(spec: Partial<NonNullable<Pod['spec']>>, name?: string): Promise<Pod>;
  getPod(name: string): Promise<Pod>;
  /** Relists the runtime and waits until every worker is idle. */
  settle(): Promise<void>;
  /** Moves the fake clock and lets timers' syncs finish. */
  step(ms: number): Promise<void>;
  events(): Promise<Array<{ reason: string; message: string; type: string; fieldPath?: string }>>;
  stop(): Promise<void>;
}

/** Records removed pod cgroups; list() answers what a test put there. */
export class RemovedCgroups extends NoPodCgroups {
  readonly removed: string[] = [];
  readonly present = new Set<string>();
  /** Cgroups with live processes (another agent's pods on a shared root). */
  readonly busy = new Set<string>();
  override async inUse(uid: string): Promise<boolean> {
    return this.busy.has(uid);
  }
  override async remove(uid: string): Promise<string[]> {
    this.removed.push(uid);
    this.present.delete(uid);
    return [];
  }
  override async list(): Promise<string[]> {
    return [...this.present];
  }
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

export async function startHarness(opts: { runtime?: FakeRuntime; client?: FakeClient; clock?: FakeClock } = {}): Promise<Harness> {
  const clock = opts.clock ?? new FakeClock(Date.UTC(2024, 0, 1));
  const client = opts.client ?? new FakeClient({ clock });
  const runtime = opts.runtime ?? new FakeRuntime();
  runtime.now = () => clock.now() * 1e6;
  const builder = new TestBuilder();
  const prober = new ScriptedProber();
  const cgroups = new RemovedCgroups();
  const events: Array<{ ref: unknown; type: string; reason: string; message: string }> = [];
  const controller = new PodController({
    client, nodeName: NODE, runtime, builder, prober, cgroups, clock,
    record: (ref, type, reason, message) => events.push({ ref, type, reason, message }),
    nodeIPs: () => [NODE_IP],
    log: () => undefined,
  });
  const abort = new AbortController();
  const done = controller.run(abort.signal);
  await controller.informer.waitForSync();
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) {
      await tick();
      await controller.relist();
      await controller.workers.idle();
      await tick();
    }
  };
  await settle();
  const getPod = (name: string): Promise<Pod> => client.get<Pod>(PODS, 'default', name);
  return {
    clock, client, runtime, builder, prober, cgroups, controller, settle, getPod,
    createPod: async (spec, name = 'web') => {
      await client.create<Pod>(PODS, 'default', {
        apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
        spec: { nodeName: NODE, containers: [], ...spec },
        status: { phase: 'Pending', qosClass: 'BestEffort', conditions: [{ type: 'PodScheduled', status: 'True' }] },
      });
      await settle();
      return getPod(name);
    },
    step: async (ms) => {
      clock.step(ms);
      await settle();
    },
    events: async () => {
      return events.map((e) => ({ reason: e.reason, message: e.message, type: e.type, fieldPath: (e.ref as { fieldPath?: string }).fieldPath }));
    },
    stop: async () => {
      abort.abort();
      await done;
    },
  };
}
