// Empties a namespace (Kubernetes' namespacedResourcesDeleter.deleteAllContent): for every served
// namespaced resource, delete the collection (or each object where deletecollection is not
// served), then list what is left and which finalizers keep it.
import { StatusError } from '../../apimachinery/errors.js';
import { isNotFound } from '../../client/errors.js';
import type { ApiObject, Client } from '../../client/types.js';
import { type DiscoveredResource, DiscoveryError } from '../garbage-collector/discovery.js';
import type { DeletionOutcome } from './conditions.js';

export interface ContentDeletion {
  outcome: DeletionOutcome;
  /** Seconds until what remains is likely gone (the longest pod grace period left), 0 if unknown. */
  estimateSeconds: number;
}

interface PodLike extends ApiObject {
  spec?: { terminationGracePeriodSeconds?: number };
  status?: { phase?: string };
}

const DEFAULT_POD_GRACE_SECONDS = 30;

const describeError = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function deleteAllContent(client: Client, discover: () => Promise<DiscoveredResource[]>, namespace: string): Promise<ContentDeletion> {
  const outcome: DeletionOutcome = { discoveryErrors: [], deleteErrors: [], remainingByResource: new Map(), remainingByFinalizer: new Map() };
  let resources: DiscoveredResource[];
  try {
    resources = await discover();
  } catch (err) {
    if (!(err instanceof DiscoveryError)) throw err;
    outcome.discoveryErrors.push(...err.failures);
    resources = err.partial;
  }
  const deletable = resources.filter((r) => r.namespaced && r.verbs.includes('list') && (r.verbs.includes('deletecollection') || r.verbs.includes('delete')));
  const estimates = await Promise.all(deletable.map((r) => deleteResourceContent(client, r, namespace, outcome)));
  return { outcome, estimateSeconds: Math.max(0, ...estimates) };
}

/** Deletes one resource's objects in `namespace` and records what remains; returns a grace estimate. */
async function deleteResourceContent(client: Client, type: DiscoveredResource, namespace: string, outcome: DeletionOutcome): Promise<number> {
  const label = `${type.resource}.${type.group}`;
  try {
    await deleteCollection(client, type, namespace);
    const left = await client.list<PodLike>(type, namespace, { allPages: true });
    if (left.items.length === 0) return 0;
    outcome.remainingByResource.set(label, left.items.length);
    for (const item of left.items) {
      for (const f of item.metadata?.finalizers ?? []) outcome.remainingByFinalizer.set(f, (outcome.remainingByFinalizer.get(f) ?? 0) + 1);
    }
    return type.group === '' && type.resource === 'pods' ? podGraceEstimate(left.items) : 0;
  } catch (err) {
    outcome.deleteErrors.push(`${label}: ${describeError(err)}`);
    return 0;
  }
}

async function deleteCollection(client: Client, type: DiscoveredResource, namespace: string): Promise<void> {
  if (type.verbs.includes('deletecollection')) {
    try {
      await client.deleteCollection(type, namespace, { propagationPolicy: 'Background' });
      return;
    } catch (err) {
      // Served without the verb after all: fall back to one delete per object.
      if (!(err instanceof StatusError && err.code === 405)) throw err;
    }
  }
  const list = await client.list(type, namespace, { allPages: true });
  for (const item of list.items) {
    if (item.metadata?.deletionTimestamp) continue;
    try {
      await client.delete(type, namespace, item.metadata?.name ?? '', { propagationPolicy: 'Background' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** The longest grace period among pods still running (Kubernetes' estimateGracefulTerminationForPods). */
function podGraceEstimate(pods: PodLike[]): number {
  let estimate = 0;
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_POD_GRACE_SECONDS;
    estimate = Math.max(estimate, grace);
  }
  return estimate;
}
