// The pod a DaemonSet makes for one node (util.CreatePodTemplate + ReplaceDaemonSetPodNodeNameNodeAffinity):
// its template with the hash label, the automatic tolerations, and a required node affinity on
// metadata.name so the scheduler places it on exactly that node — or, without a scheduler,
// spec.nodeName set directly.
import { daemonPodTolerations } from './predicates.js';
import { CONTROLLER_REVISION_HASH_LABEL, type PodTemplateSpec } from './types.js';

type Affinity = NonNullable<NonNullable<PodTemplateSpec['spec']>['affinity']>;

/** The affinity with its required node terms replaced by one term pinning metadata.name (preferred terms kept). */
export function pinToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] };
  return { ...affinity, nodeAffinity: { ...affinity?.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: required } };
}

export function daemonPodTemplate(template: PodTemplateSpec, nodeName: string, hash: string, bindDirectly: boolean): PodTemplateSpec {
  const spec = structuredClone(template.spec ?? { containers: [] });
  spec.tolerations = daemonPodTolerations(spec);
  if (bindDirectly) spec.nodeName = nodeName;
  else spec.affinity = pinToNode(spec.affinity, nodeName);
  return {
    metadata: { ...template.metadata, labels: { ...template.metadata?.labels, [CONTROLLER_REVISION_HASH_LABEL]: hash } },
    spec,
  };
}
