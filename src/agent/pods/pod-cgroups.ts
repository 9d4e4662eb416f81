// Pod cgroups under kite's root, laid out as kuberuntime/qos.ts podCgroupParent names them
// (<root>/pod<uid>, <root>/burstable/pod<uid>, <root>/besteffort/pod<uid>). containerd never removes
// a sandbox's cgroup parent, so the agent removes it after RemovePodSandbox, and at start-up and
// in housekeeping removes those of pods it no longer runs (the kubelet's cleanupOrphanedPodCgroups).
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { cgroupMountPoints, removeCgroup } from '../runtime/cgroups.js';

export interface PodCgroups {
  /** Removes the pod's cgroup wherever its QoS class put it; resolves to the directories removed. */
  remove(uid: string): Promise<string[]>;
  /** Uids that have a pod cgroup. */
  list(): Promise<string[]>;
  /** True when some process still lives in the pod's cgroup (it is not an orphan to remove). */
  inUse(uid: string): Promise<boolean>;
}

const QOS_DIRS = ['', 'burstable', 'besteffort'];

export class CgroupfsPodCgroups implements PodCgroups {
  readonly #root: string;
  readonly #mounts: () => string[];

  constructor(root: string, mounts: () => string[] = () => cgroupMountPoints()) {
    this.#root = root.replace(/\/+$/, '');
    this.#mounts = mounts;
  }

  async remove(uid: string): Promise<string[]> {
    if (!/^[0-9a-zA-Z-]+$/.test(uid)) throw new Error(`invalid pod uid ${JSON.stringify(uid)}`);
    const removed: string[] = [];
    const mounts = this.#mounts();
    for (const qos of QOS_DIRS) removed.push(...(await removeCgroup(join(this.#root, qos, `pod${uid}`), mounts)));
    return removed;
  }

  async inUse(uid: string): Promise<boolean> {
    for (const mount of this.#mounts()) {
      for (const qos of QOS_DIRS) if (await hasProcesses(join(mount, this.#root, qos, `pod${uid}`))) return true;
    }
    return false;
  }

  async list(): Promise<string[]> {
    const uids = new Set<string>();
    for (const mount of this.#mounts()) {
      for (const qos of QOS_DIRS) {
        const entries = await readdir(join(mount, this.#root, qos)).catch(() => [] as string[]);
        for (const name of entries) if (name.startsWith('pod') && name.length > 3) uids.add(name.slice(3));
      }
    }
    return [...uids];
  }
}

async function hasProcesses(dir: string): Promise<boolean> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return false;
  }
  const procs = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
  if (procs.trim() !== '') return true;
  for (const e of entries) if (e.isDirectory() && (await hasProcesses(join(dir, e.name)))) return true;
  return false;
}

/** For tests and for runtimes kite does not manage cgroups of. */
export class NoPodCgroups implements PodCgroups {
  async inUse(_uid: string): Promise<boolean> {
    return false;
  }
  async remove(_uid: string): Promise<string[]> {
    return [];
  }
  async list(): Promise<string[]> {
    return [];
  }
}
