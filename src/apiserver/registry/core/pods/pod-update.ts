// ValidatePodUpdate: a pod's spec is fixed once created, except container images, a shorter
// activeDeadlineSeconds, added tolerations, removed scheduling gates, and a negative grace period
// raised to 1. Status updates may not change the QoS class.
import { ErrorList, root } from '../../../../apimachinery/field.js';
import { changedKeys, semanticEqual } from '../equality.js';
import { validateIP } from '../ip.js';
import { validateTolerations } from './podspec-validation.js';
import type { Container, Pod, PodSpec, Toleration } from './types.js';

const specPath = root('spec');
const MAX_INT32 = 2147483647;

export const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function containerUpdates(next: Container[] = [], old: Container[] = [], name: string, errs: ErrorList): boolean {
  const path = specPath.child(name);
  if (next.length !== old.length) {
    errs.forbidden(path, 'pod updates may not add or remove containers');
    return true;
  }
  next.forEach((c, i) => {
    if (!c.image) errs.required(path.index(i).child('image'));
    else if (c.image.trim() !== c.image) errs.invalid(path.index(i).child('image'), c.image, 'must not have leading or trailing whitespace');
  });
  return false;
}

function onlyAddedTolerations(next: Toleration[] = [], old: Toleration[] = [], errs: ErrorList): void {
  const path = specPath.child('tolerations');
  for (const o of old) {
    // tolerationSeconds of an existing toleration may change; nothing else may.
    const found = next.some((n) => semanticEqual({ ...o, tolerationSeconds: n.tolerationSeconds }, n));
    if (!found) {
      errs.forbidden(path, 'existing toleration can not be modified except its tolerationSeconds');
      return;
    }
  }
  errs.add(validateTolerations(next, path));
}

export function validatePodUpdate(pod: Pod, old: Pod): ErrorList {
  const errs = new ErrorList();
  const next: PodSpec = pod.spec ?? ({} as PodSpec);
  const prev: PodSpec = old.spec ?? ({} as PodSpec);
  if (containerUpdates(next.containers, prev.containers, 'containers', errs)) return errs;
  if (containerUpdates(next.initContainers, prev.initContainers, 'initContainers', errs)) return errs;
  const ads = next.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null) {
    if (ads < 0 || ads > MAX_INT32) return errs.invalid(specPath.child('activeDeadlineSeconds'), ads, `must be between 0 and ${MAX_INT32}, inclusive`);
    if (prev.activeDeadlineSeconds !== undefined && prev.activeDeadlineSeconds !== null && prev.activeDeadlineSeconds < ads) {
      return errs.invalid(specPath.child('activeDeadlineSeconds'), ads, 'must be less than or equal to previous value');
    }
  } else if (prev.activeDeadlineSeconds !== undefined && prev.activeDeadlineSeconds !== null) {
    errs.invalid(specPath.child('activeDeadlineSeconds'), null, 'must not update from a positive integer to nil value');
  }
  onlyAddedTolerations(next.tolerations, prev.tolerations, errs);
  const gates = new Set((prev.schedulingGates ?? []).map((g) => g.name));
  const added = (next.schedulingGates ?? []).find((g) => !gates.has(g.name));
  if (added) errs.forbidden(specPath.child('schedulingGates'), `only deletion is allowed, but found new scheduling gate '${added.name}'`);
  if (semanticEqual(next, prev)) return errs;

  // Put back what may change, then anything still different is forbidden.
  const munged: PodSpec = structuredClone(next);
  munged.containers = (munged.containers ?? []).map((c, i) => ({ ...c, image: prev.containers?.[i]?.image ?? '' }));
  if (munged.initContainers) munged.initContainers = munged.initContainers.map((c, i) => ({ ...c, image: prev.initContainers?.[i]?.image ?? '' }));
  munged.activeDeadlineSeconds = prev.activeDeadlineSeconds;
  munged.tolerations = prev.tolerations;
  munged.schedulingGates = prev.schedulingGates;
  const oldGrace = prev.terminationGracePeriodSeconds;
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (!semanticEqual(munged, prev)) {
    const before = prev as unknown as Record<string, unknown>;
    const after = munged as unknown as Record<string, unknown>;
    const diff = changedKeys(before, after)
      .map((k) => `  spec.${k}: ${JSON.stringify(before[k] ?? null)} -> ${JSON.stringify(after[k] ?? null)}`)
      .join('\n');
    errs.forbidden(specPath, `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${diff}`);
  }
  return errs;
}

export function validatePodStatusUpdate(pod: Pod, old: Pod): ErrorList {
  const errs = new ErrorList();
  const status = root('status');
  if (old.status?.qosClass && pod.status?.qosClass !== old.status.qosClass) {
    errs.invalid(status.child('qosClass'), pod.status?.qosClass ?? '', 'field is immutable');
  }
  for (const f of ['podIPs', 'hostIPs'] as const) {
    (pod.status?.[f] ?? []).forEach((entry, i) => errs.add(validateIP(entry?.ip, status.child(f).index(i))));
  }
  if (pod.status?.podIP) errs.add(validateIP(pod.status.podIP, status.child('podIP')));
  return errs;
}
