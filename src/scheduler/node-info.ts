// NodeInfo: one node and the pods assigned (or assumed) to it, with the sums every filter and
// score needs kept up to date on each add/remove, so a scheduling cycle never walks a node's
// pods. Node fields plugins read (allocatable, taints by effect, zone) are parsed once per
// node update.
import type { Node, Taint } from './types.js';
import { LABEL_HOSTNAME, LABEL_ZONE } from './types.js';
import type { HostPort, PodInfo } from './pod-info.js';
import { milliValue, value } from './quantities.js';

/** HostPortInfo: which ip/protocol/port triples pods on a node hold. */
export class HostPortIndex {
  // "TCP/8080" -> ip -> number of pods holding it
  readonly #byPort = new Map<string, Map<string, number>>();

  get size(): number {
    return this.#byPort.size;
  }

  add(p: HostPort): void {
    const k = `${p.protocol}/${p.port}`;
    let ips = this.#byPort.get(k);
    if (!ips) this.#byPort.set(k, (ips = new Map()));
    ips.set(p.ip, (ips.get(p.ip) ?? 0) + 1);
  }

  remove(p: HostPort): void {
    const k = `${p.protocol}/${p.port}`;
    const ips = this.#byPort.get(k);
    const n = ips?.get(p.ip);
    if (!ips || n === undefined) return;
    if (n > 1) ips.set(p.ip, n - 1);
    else {
      ips.delete(p.ip);
      if (ips.size === 0) this.#byPort.delete(k);
    }
  }

  /** CheckConflict: 0.0.0.0 conflicts with every ip on the same protocol/port, and every ip with 0.0.0.0. */
  conflicts(p: HostPort): boolean {
    const ips = this.#byPort.get(`${p.protocol}/${p.port}`);
    if (!ips) return false;
    if (p.ip === '0.0.0.0') return true;
    return ips.has(p.ip) || ips.has('0.0.0.0');
  }
}

const NO_TAINTS: readonly Taint[] = [];

export class NodeInfo {
  readonly name: string;
  /** Undefined while pods point at a node the cache has not seen (or no longer has). */
  node: Node | undefined;
  readonly pods = new Map<string, PodInfo>();

  requestedMilliCPU = 0;
  requestedMemory = 0;
  requestedEphemeralStorage = 0;
  requestedScalar: Map<string, number> | undefined;
  nonZeroMilliCPU = 0;
  nonZeroMemory = 0;
  readonly usedPorts = new HostPortIndex();
  /** Pods per ownerReferences[0].uid (NodeInfo.PodsWithOwnerRef, counted). */
  readonly ownerCounts = new Map<string, number>();

  allocatableMilliCPU = 0;
  allocatableMemory = 0;
  allocatableEphemeralStorage = 0;
  allocatableScalar: Map<string, number> | undefined;
  allowedPodNumber = 0;
  labels: Readonly<Record<string, string>> = {};
  unschedulable = false;
  /** NoSchedule and NoExecute taints: the ones the filter checks. */
  hardTaints: readonly Taint[] = NO_TAINTS;
  preferNoScheduleTaints: readonly Taint[] = NO_TAINTS;
  /** The topology.kubernetes.io/zone label, if any. */
  zone: string | undefined;
  /** The kubernetes.io/hostname label, or the node name when the label is missing. */
  hostname: string;
  /** Bumped on every change; lets callers notice a node changed between two looks. */
  generation = 0;

  constructor(name: string, node?: Node) {
    this.name = name;
    this.hostname = name;
    if (node) this.setNode(node);
  }

  get podCount(): number {
    return this.pods.size;
  }

  setNode(node: Node): void {
    this.node = node;
    const alloc = node.status?.allocatable ?? {};
    this.allocatableMilliCPU = milliValue(alloc.cpu);
    this.allocatableMemory = value(alloc.memory);
    this.allocatableEphemeralStorage = value(alloc['ephemeral-storage']);
    this.allowedPodNumber = value(alloc.pods);
    let scalar: Map<string, number> | undefined;
    for (const name in alloc) {
      if (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name === 'pods') continue;
      (scalar ??= new Map()).set(name, value(alloc[name]));
    }
    this.allocatableScalar = scalar;
    this.labels = node.metadata?.labels ?? {};
    this.unschedulable = node.spec?.unschedulable === true;
    const taints = node.spec?.taints ?? NO_TAINTS;
    this.hardTaints = taints.length ? taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute') : NO_TAINTS;
    this.preferNoScheduleTaints = taints.length ? taints.filter((t) => t.effect === 'PreferNoSchedule') : NO_TAINTS;
    this.zone = this.labels[LABEL_ZONE];
    this.hostname = this.labels[LABEL_HOSTNAME] ?? this.name;
    this.generation++;
  }

  addPod(p: PodInfo): void {
    if (this.pods.has(p.uid)) this.removePod(p.uid);
    this.pods.set(p.uid, p);
    this.#account(p, 1);
  }

  /** Removes the pod with this uid; returns whether it was there. */
  removePod(uid: string): boolean {
    const p = this.pods.get(uid);
    if (!p) return false;
    this.pods.delete(uid);
    this.#account(p, -1);
    return true;
  }

  #account(p: PodInfo, sign: 1 | -1): void {
    const r = p.requests;
    this.requestedMilliCPU += sign * r.milliCPU;
    this.requestedMemory += sign * r.memory;
    this.requestedEphemeralStorage += sign * r.ephemeralStorage;
    if (r.scalar) {
      const into = (this.requestedScalar ??= new Map());
      for (const [k, v] of r.scalar) into.set(k, (into.get(k) ?? 0) + sign * v);
    }
    this.nonZeroMilliCPU += sign * p.nonZeroMilliCPU;
    this.nonZeroMemory += sign * p.nonZeroMemory;
    for (const hp of p.hostPorts) {
      if (sign > 0) this.usedPorts.add(hp);
      else this.usedPorts.remove(hp);
    }
    if (p.ownerUid !== undefined) {
      const n = (this.ownerCounts.get(p.ownerUid) ?? 0) + sign;
      if (n > 0) this.ownerCounts.set(p.ownerUid, n);
      else this.ownerCounts.delete(p.ownerUid);
    }
    this.generation++;
  }
}
