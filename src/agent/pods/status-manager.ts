// Writes pod statuses to the API only when they changed (the kubelet's status manager): a JSON
// merge patch of pods/status carrying just the differences from what was last written, so fields
// other writers own (PodScheduled, readiness-gate conditions) are left alone.
import type { Pod, PodStatus } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../client/errors.js';
import { PODS } from '../../client/resources.js';
import type { Client } from '../../client/types.js';
import { KUBELET_CONDITIONS } from './pod-status.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** RFC 7386 patch turning `from` into `to` (lists are replaced whole, removed keys become null). */
export function mergePatchDiff(from: Json | undefined, to: Json | undefined): Json | undefined {
  if (JSON.stringify(from) === JSON.stringify(to)) return undefined;
  const isObj = (v: Json | undefined): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObj(from) || !isObj(to)) return to === undefined ? null : to;
  const patch: { [key: string]: Json } = {};
  for (const key of new Set([...Object.keys(from), ...Object.keys(to)])) {
    if (!(key in to)) patch[key] = null;
    else {
      const d = mergePatchDiff(from[key], to[key]);
      if (d !== undefined) patch[key] = d;
    }
  }
  return patch;
}

const asJson = (s: PodStatus | undefined): Json | undefined => (s === undefined ? undefined : (JSON.parse(JSON.stringify(s)) as Json));

export class StatusManager {
  readonly #client: Pick<Client, 'patch'>;
  /** What was last written for each pod uid. */
  readonly #written = new Map<string, PodStatus>();

  constructor(client: Pick<Client, 'patch'>) {
    this.#client = client;
  }

  /**
   * The status to generate the next one from: the last written (the cache may not show it yet),
   * with the conditions other components own taken from the API; else what the API has.
   */
  baseline(pod: Pod): PodStatus | undefined {
    const written = this.#written.get(pod.metadata?.uid ?? '');
    if (!written) return pod.status;
    const foreign = (pod.status?.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type));
    return { ...written, conditions: [...(written.conditions ?? []).filter((c) => KUBELET_CONDITIONS.has(c.type)), ...foreign] };
  }

  /** Patches when `status` differs from the baseline; resolves true when it wrote. */
  async setStatus(pod: Pod, status: PodStatus): Promise<boolean> {
    const uid = pod.metadata?.uid ?? '';
    const diff = mergePatchDiff(asJson(this.#written.get(uid) ?? pod.status), asJson(status));
    if (diff === undefined) return false;
    try {
      // The uid, as the kubelet sends it, so a pod recreated under the same name is not given this one's status.
      await this.#client.patch(PODS, pod.metadata?.namespace, pod.metadata?.name ?? '', 'merge', { metadata: { uid }, status: diff }, { subresource: 'status' });
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
    this.#written.set(uid, status);
    return true;
  }

  /** The last written status of a pod. */
  get(uid: string): PodStatus | undefined {
    return this.#written.get(uid);
  }

  forget(uid: string): void {
    this.#written.delete(uid);
  }
}
