// The scheduling framework's data and contracts: the Snapshot (every node's NodeInfo, kept
// current from informer events and from the scheduler's own assumptions) and the two plugin
// kinds, filters and scores. Plugins are pure: they read a PodInfo and NodeInfos, nothing else.
import { NodeInfo } from './node-info.js';
import { type PodInfo, newPodInfo } from './pod-info.js';
import type { Node, Pod } from './types.js';

export { NodeInfo, HostPortIndex } from './node-info.js';
export type { PodInfo, Resources, HostPort } from './pod-info.js';

/** framework.MaxNodeScore: every normalized score lies in 0..100. */
export const MAX_NODE_SCORE = 100;

/** Why a node does not fit: one reason or several (NodeResourcesFit reports every short resource). */
export type FilterFailure = string | readonly string[];

/** A filter prepared for one pod: undefined when the node fits. */
export type NodeFilter = (node: NodeInfo) => FilterFailure | undefined;

export interface FilterPlugin {
  readonly name: string;
  /** PreFilter: work done once per pod. Returns undefined when the plugin has nothing to check for this pod (Skip). */
  prepareFilter(pod: PodInfo, snapshot: Snapshot): NodeFilter | undefined;
}

export interface NodeScorer {
  /** The raw score of one feasible node. */
  score(node: NodeInfo): number;
  /** NormalizeScore: rewrites scores[0..n) (in the order of `nodes`) into 0..MAX_NODE_SCORE. */
  normalize?(scores: Float64Array, n: number, nodes: readonly NodeInfo[]): void;
}

export interface ScorePlugin {
  readonly name: string;
  /** The plugin's weight in the total (Kubernetes' default profile weights). */
  readonly weight: number;
  /** PreScore: work done once per pod with the feasible nodes. Undefined skips the plugin for this pod. */
  prepareScore(pod: PodInfo, feasible: readonly NodeInfo[], snapshot: Snapshot): NodeScorer | undefined;
}

export interface Profile {
  readonly filters: readonly FilterPlugin[];
  readonly scores: readonly ScorePlugin[];
}

interface PodState {
  info: PodInfo;
  nodeName: string;
  /** Placed by this scheduler and not yet seen bound by the informer. */
  assumed: boolean;
}

/**
 * The scheduler cache and its snapshot in one: JavaScript runs a scheduling cycle without
 * interruption, so the cycle reads the live cache and no copy is needed. Pods are keyed by uid.
 */
export class Snapshot {
  readonly #nodes = new Map<string, NodeInfo>();
  /** NodeInfos whose Node exists, in the order nodes were added (the round-robin order). */
  #list: NodeInfo[] = [];
  readonly #pods = new Map<string, PodState>();
  #zonedNodes = 0;
  #preferNoScheduleNodes = 0;
  /** zone -> owner uid -> pods on existing nodes of the zone (for spreading over zones without a walk over all nodes). */
  readonly #zoneOwnerCounts = new Map<string, Map<string, number>>();

  get numNodes(): number {
    return this.#list.length;
  }

  /** Nodes (existing ones only) in a stable order. Do not modify. */
  list(): readonly NodeInfo[] {
    return this.#list;
  }

  get(name: string): NodeInfo | undefined {
    const info = this.#nodes.get(name);
    return info?.node ? info : undefined;
  }

  /** True when some node carries a zone label (the default spreading then spreads over zones too). */
  get hasZones(): boolean {
    return this.#zonedNodes > 0;
  }

  /** Pods of this owner on the existing nodes labelled with this zone. */
  zoneOwnerCount(zone: string, owner: string): number {
    return this.#zoneOwnerCounts.get(zone)?.get(owner) ?? 0;
  }

  get hasPreferNoScheduleTaints(): boolean {
    return this.#preferNoScheduleNodes > 0;
  }

  /** Adds or updates a node. */
  setNode(node: Node): NodeInfo {
    const name = node.metadata?.name ?? '';
    let info = this.#nodes.get(name);
    if (!info) this.#nodes.set(name, (info = new NodeInfo(name)));
    if (info.node) this.#countNode(info, -1);
    else this.#list.push(info);
    info.setNode(node);
    this.#countNode(info, 1);
    return info;
  }

  removeNode(name: string): void {
    const info = this.#nodes.get(name);
    if (!info?.node) return;
    this.#countNode(info, -1);
    info.node = undefined;
    this.#list = this.#list.filter((n) => n !== info);
    // Pods still pointing at the node keep its NodeInfo until they go, as the upstream cache does.
    if (info.podCount === 0) this.#nodes.delete(name);
  }

  #countNode(info: NodeInfo, sign: 1 | -1): void {
    if (info.zone !== undefined) {
      this.#zonedNodes += sign;
      for (const [owner, n] of info.ownerCounts) this.#countZoneOwner(info.zone, owner, sign * n);
    }
    if (info.preferNoScheduleTaints.length) this.#preferNoScheduleNodes += sign;
  }

  #countZoneOwner(zone: string, owner: string, delta: number): void {
    let owners = this.#zoneOwnerCounts.get(zone);
    if (!owners) this.#zoneOwnerCounts.set(zone, (owners = new Map()));
    const n = (owners.get(owner) ?? 0) + delta;
    if (n > 0) owners.set(owner, n);
    else {
      owners.delete(owner);
      if (owners.size === 0) this.#zoneOwnerCounts.delete(zone);
    }
  }

  /** An assigned pod as the informer reports it (added or updated): confirms an assumption. */
  setPod(pod: Pod): void {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return;
    const info = newPodInfo(pod);
    this.removePod(info.uid);
    this.#place(info, nodeName, false);
  }

  /** Removes a pod (deleted, or finished) whether it was assumed or confirmed. Returns its node. */
  removePod(uid: string): string | undefined {
    const state = this.#pods.get(uid);
    if (!state) return undefined;
    this.#pods.delete(uid);
    const info = this.#nodes.get(state.nodeName);
    if (info) {
      if (info.node && info.zone !== undefined && state.info.ownerUid !== undefined) this.#countZoneOwner(info.zone, state.info.ownerUid, -1);
      info.removePod(uid);
      if (!info.node && info.podCount === 0) this.#nodes.delete(state.nodeName);
    }
    return state.nodeName;
  }

  /** AssumePod: counts the pod on the node before the binding is written, so the next cycle sees it. */
  assume(pod: PodInfo, nodeName: string): void {
    this.removePod(pod.uid);
    this.#place(pod, nodeName, true);
  }

  /** ForgetPod: undoes an assumption (the binding failed). A pod the informer confirmed meanwhile stays. */
  forget(uid: string): boolean {
    if (!this.#pods.get(uid)?.assumed) return false;
    this.removePod(uid);
    return true;
  }

  isAssumed(uid: string): boolean {
    return this.#pods.get(uid)?.assumed === true;
  }

  /** The node a pod is assigned or assumed to. */
  nodeOf(uid: string): string | undefined {
    return this.#pods.get(uid)?.nodeName;
  }

  get numPods(): number {
    return this.#pods.size;
  }

  #place(pod: PodInfo, nodeName: string, assumed: boolean): void {
    let info = this.#nodes.get(nodeName);
    if (!info) this.#nodes.set(nodeName, (info = new NodeInfo(nodeName)));
    info.addPod(pod);
    if (info.node && info.zone !== undefined && pod.ownerUid !== undefined) this.#countZoneOwner(info.zone, pod.ownerUid, 1);
    this.#pods.set(pod.uid, { info: pod, nodeName, assumed });
  }
}
