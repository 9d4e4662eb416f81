// Which ReplicaSet runs a Deployment's current template (FindNewReplicaSet / FindOldReplicaSets)
// and how a new one is made: named "<deployment>-<pod-template-hash>", the hash label added to
// its selector and template.
import type { LabelSelector } from '../../apimachinery/labels.js';
import { newControllerRef } from '../../apimachinery/meta.js';
import { canonicalJson, computeHash } from './hash.js';
import { byCreation } from './replicas.js';
import { type Deployment, POD_TEMPLATE_HASH_LABEL, type PodTemplateSpec, type ReplicaSet } from './types.js';

const DEPLOYMENT_GVK = { group: 'apps', version: 'v1', kind: 'Deployment' };

/**
 * Drops what Go's semantic equality ignores: absent vs null vs empty lists and maps
 * (so a template with `labels: {}` equals one without labels).
 */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((v) => normalize(v) ?? null);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const n = normalize(v);
      if (n === undefined) continue;
      // An empty map is dropped only where Go has a map (labels, annotations, nodeSelector, ...), not a pointer to a struct.
      if (isEmptyPlainMap(k, n)) continue;
      out[k] = n;
    }
    return out;
  }
  return value === null ? undefined : value;
}

const MAP_FIELDS = new Set(['labels', 'annotations', 'nodeSelector', 'limits', 'requests', 'matchLabels', 'data', 'overhead']);
const isEmptyPlainMap = (key: string, v: unknown): boolean => MAP_FIELDS.has(key) && typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

/** The template without the pod-template-hash label. */
export function withoutHash(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return copy;
}

/** EqualIgnoreHash: the templates are the same apart from the pod-template-hash label. */
export const equalIgnoreHash = (a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean =>
  canonicalJson(normalize(withoutHash(a))) === canonicalJson(normalize(withoutHash(b)));

/** The oldest ReplicaSet whose template is the Deployment's (there may rarely be two). */
export function findNewReplicaSet(d: Deployment, rsList: ReplicaSet[]): ReplicaSet | undefined {
  return [...rsList].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** Every ReplicaSet but the new one. */
export function findOldReplicaSets(d: Deployment, rsList: ReplicaSet[]): ReplicaSet[] {
  const newRS = findNewReplicaSet(d, rsList);
  return rsList.filter((rs) => !newRS || rs.metadata?.uid !== newRS.metadata?.uid);
}

function selectorWithHash(selector: LabelSelector | undefined, hash: string): LabelSelector {
  const copy = structuredClone(selector ?? {});
  copy.matchLabels = { ...(copy.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  return copy;
}

/** The ReplicaSet a Deployment creates for its current template, with `replicas` replicas. */
export function newReplicaSetFor(d: Deployment, replicas: number): ReplicaSet {
  const hash = computeHash(d.spec?.template ?? {}, d.status?.collisionCount);
  const template = structuredClone(d.spec?.template ?? {});
  const meta = (template.metadata ??= {});
  meta.labels = { ...(meta.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      // Deterministic, so a retried create after a lost response is AlreadyExists, not a duplicate.
      name: `${d.metadata?.name ?? ''}-${hash}`,
      namespace: d.metadata?.namespace,
      ownerReferences: [newControllerRef({ metadata: d.metadata ?? {} }, DEPLOYMENT_GVK)],
      labels: { ...meta.labels },
    },
    spec: {
      replicas,
      minReadySeconds: d.spec?.minReadySeconds ?? 0,
      selector: selectorWithHash(d.spec?.selector as LabelSelector | undefined, hash),
      template,
    },
  };
}
