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
 * The template as Go would see it after decoding: absent, null, empty lists, empty maps and
 * empty structs are all the same zero value (kubectl sends `resources: {}` and
 * `creationTimestamp: null`; the API may have left them out). Only `emptyDir: {}` means
 * something by being present.
 */
export function normalizeTemplate(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map((v) => normalizeTemplate(v) ?? null);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const n = normalizeTemplate(v, k);
      if (n !== undefined) out[k] = n;
    }
    return Object.keys(out).length === 0 && !PRESENCE_MATTERS.has(key) ? undefined : out;
  }
  return value === null ? undefined : value;
}

const PRESENCE_MATTERS = new Set(['emptyDir']);

/** The template without the pod-template-hash label. */
export function withoutHash(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return copy;
}

/** EqualIgnoreHash: the templates are the same apart from the pod-template-hash label. */
export const equalIgnoreHash = (a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean =>
  canonicalJson(normalizeTemplate(withoutHash(a)) ?? {}) === canonicalJson(normalizeTemplate(withoutHash(b)) ?? {});

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
  const hash = computeHash((normalizeTemplate(d.spec?.template) ?? {}) as PodTemplateSpec, d.status?.collisionCount);
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
