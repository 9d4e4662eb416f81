// ValidatePodSpec and ValidatePodTemplateSpec: the checks every pod and every workload's pod
// template gets. Container and volume checks live in container-validation.ts / volume-validation.ts.
import { ErrorList, type FieldPath } from '../../../../apimachinery/field.js';
import { validateLabelName, validateLabels } from '../../../../apimachinery/labels.js';
import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from '../../../../apimachinery/names.js';
import {
  validateContainerCommon,
  validateDNS1123Label,
  validateId,
  validateProbesAndLifecycle,
  validateSeccompProfile,
} from './container-validation.js';
import type { Container, PodSpec, PodTemplateSpec, Toleration } from './types.js';
import { validateVolumes } from './volume-validation.js';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
export const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];
const NOT_WITHOUT_RESTART = 'may not be set for init containers without restartPolicy=Always';
const MAX_INT32 = 2147483647;

/** A pod template as workloads may type it (validation takes untrusted input anyway). */
export interface LoosePodTemplateSpec {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);

function hostPortConflicts(containers: Container[], path: FieldPath, seen: Set<string>, errs: ErrorList, offset = 0): void {
  containers.forEach((c, ci) => {
    list(c.ports).forEach((port, pi) => {
      if (!port.hostPort) return;
      const key = `${port.protocol ?? ''}/${port.hostIP ?? ''}/${port.hostPort}`;
      const p = path.index(ci + offset).child('ports').index(pi).child('hostPort');
      if (seen.has(key)) errs.duplicate(p, key);
      seen.add(key);
    });
  });
}

function validateContainers(spec: PodSpec, volumes: Set<string>, path: FieldPath, errs: ErrorList): void {
  const containers = list(spec.containers);
  if (containers.length === 0) {
    errs.required(path);
    return;
  }
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = path.index(i);
    errs.add(validateContainerCommon(c, volumes, p));
    if (names.has(c.name)) errs.duplicate(p.child('name'), c.name);
    names.add(c.name);
    validateProbesAndLifecycle(c, p, errs);
    if (c.restartPolicy !== undefined) errs.forbidden(p.child('restartPolicy'), 'may not be set for non-init containers');
  });
  hostPortConflicts(containers, path, new Set(), errs);
}

function validateInitContainers(spec: PodSpec, volumes: Set<string>, path: FieldPath, errs: ErrorList): void {
  const names = new Set(list(spec.containers).map((c) => c.name));
  list(spec.initContainers).forEach((c, i) => {
    const p = path.index(i);
    errs.add(validateContainerCommon(c, volumes, p));
    if (c.restartPolicy !== undefined && c.restartPolicy !== 'Always') errs.notSupported(p.child('restartPolicy'), c.restartPolicy, ['Always']);
    if (names.has(c.name)) errs.duplicate(p.child('name'), c.name);
    else if (c.name) names.add(c.name);
    // Init containers run one at a time, so host ports only conflict within one of them.
    hostPortConflicts([c], path, new Set(), errs, i);
    if (c.restartPolicy === 'Always') validateProbesAndLifecycle(c, p, errs);
    else {
      if (c.lifecycle) errs.forbidden(p.child('lifecycle'), NOT_WITHOUT_RESTART);
      for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) if (c[probe]) errs.forbidden(p.child(probe), NOT_WITHOUT_RESTART);
    }
  });
}

export function validateTolerations(tolerations: Toleration[] | undefined, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  list(tolerations).forEach((t, i) => {
    const p = path.index(i);
    if (t.key) errs.add(validateLabelName(t.key, p.child('key')));
    if (!t.key && t.operator !== 'Exists') {
      errs.invalid(p.child('operator'), t.operator ?? '', 'operator must be Exists when `key` is empty, which means "match all values and all keys"');
    }
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && t.effect !== 'NoExecute') {
      errs.invalid(p.child('effect'), t.effect ?? '', "effect must be 'NoExecute' when `tolerationSeconds` is set");
    }
    const op = t.operator ?? '';
    if (op === 'Equal' || op === '') {
      const msgs = isValidLabelValue(t.value ?? '');
      if (msgs.length) errs.invalid(p.child('operator'), t.value ?? '', msgs.join(';'));
    } else if (op === 'Exists') {
      if (t.value) errs.invalid(p.child('operator'), t, "value must be empty when `operator` is 'Exists'");
    } else {
      errs.notSupported(p.child('operator'), op, ['Equal', 'Exists']);
    }
    if (t.effect && !TAINT_EFFECTS.includes(t.effect)) errs.notSupported(p.child('effect'), t.effect, TAINT_EFFECTS);
  });
  return errs;
}

function validatePodSecurityContext(spec: PodSpec, path: FieldPath, errs: ErrorList): void {
  const sc = spec.securityContext;
  if (!sc) return;
  validateId(sc.fsGroup, path.child('fsGroup'), errs);
  validateId(sc.runAsUser, path.child('runAsUser'), errs);
  validateId(sc.runAsGroup, path.child('runAsGroup'), errs);
  list(sc.supplementalGroups).forEach((g, i) => validateId(g, path.child('supplementalGroups').index(i), errs));
  if (sc.fsGroupChangePolicy && !['OnRootMismatch', 'Always'].includes(sc.fsGroupChangePolicy)) {
    errs.notSupported(path.child('fsGroupChangePolicy'), sc.fsGroupChangePolicy, ['OnRootMismatch', 'Always']);
  }
  if (spec.shareProcessNamespace && spec.hostPID) errs.invalid(path.child('shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled');
  validateSeccompProfile(sc.seccompProfile, path.child('seccompProfile'), errs);
  list(sc.sysctls).forEach((s, i) => {
    if (!s.name) errs.required(path.child('sysctls').index(i).child('name'));
  });
}

function validateDNS(spec: PodSpec, path: FieldPath, errs: ErrorList): void {
  const policy = spec.dnsPolicy ?? '';
  if (!policy) errs.required(path.child('dnsPolicy'));
  else if (!DNS_POLICIES.includes(policy)) errs.notSupported(path.child('dnsPolicy'), policy, DNS_POLICIES);
  if (policy === 'None') {
    if (!spec.dnsConfig) errs.required(path.child('dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None');
    else if (list(spec.dnsConfig.nameservers).length === 0) {
      errs.required(path.child('dnsConfig', 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None');
    }
  }
  if (list(spec.dnsConfig?.nameservers).length > 3) errs.invalid(path.child('dnsConfig', 'nameservers'), spec.dnsConfig?.nameservers, 'must not have more than 3 nameservers');
}

function validateNames(spec: PodSpec, path: FieldPath, errs: ErrorList): void {
  const subdomainFields = ['serviceAccountName', 'nodeName', 'priorityClassName', 'schedulerName'] as const;
  for (const f of subdomainFields) {
    const v = spec[f];
    if (v) for (const msg of isDNS1123Subdomain(v)) errs.invalid(path.child(f), v, msg);
  }
  if (spec.hostname) errs.add(validateDNS1123Label(spec.hostname, path.child('hostname')));
  if (spec.subdomain) errs.add(validateDNS1123Label(spec.subdomain, path.child('subdomain')));
  list(spec.readinessGates).forEach((g, i) => {
    for (const msg of isQualifiedName(g.conditionType ?? '')) errs.invalid(path.child('readinessGates').index(i).child('conditionType'), g.conditionType, msg);
  });
  const gates = new Set<string>();
  list(spec.schedulingGates).forEach((g, i) => {
    const p = path.child('schedulingGates').index(i).child('name');
    for (const msg of isQualifiedName(g.name ?? '')) errs.invalid(p, g.name, msg);
    if (gates.has(g.name)) errs.duplicate(p, g.name);
    gates.add(g.name);
  });
}

/** ValidatePodSpec: `path` is where the spec sits ("spec", or "spec.template.spec" in a workload). */
export function validatePodSpec(spec: PodSpec | Record<string, unknown> | undefined, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  const s: PodSpec = spec && typeof spec === 'object' ? (spec as PodSpec) : ({} as PodSpec);
  if (s.terminationGracePeriodSeconds === undefined || s.terminationGracePeriodSeconds === null) errs.required(path.child('terminationGracePeriodSeconds'));
  const volumes = validateVolumes(s.volumes, path.child('volumes'));
  errs.add(volumes.errs);
  validateContainers(s, volumes.names, path.child('containers'), errs);
  validateInitContainers(s, volumes.names, path.child('initContainers'), errs);
  if (s.hostNetwork) {
    list(s.containers).forEach((c, ci) =>
      list(c.ports).forEach((port, pi) => {
        if (port.hostPort !== port.containerPort) {
          errs.invalid(path.child('containers').index(ci).child('ports').index(pi).child('hostPort'), port.hostPort, 'must match `containerPort` when `hostNetwork` is true');
        }
      }),
    );
  }
  const restart = s.restartPolicy ?? '';
  if (!restart) errs.required(path.child('restartPolicy'));
  else if (!RESTART_POLICIES.includes(restart)) errs.notSupported(path.child('restartPolicy'), restart, RESTART_POLICIES);
  validateDNS(s, path, errs);
  errs.add(validateLabels(s.nodeSelector, path.child('nodeSelector')));
  validatePodSecurityContext(s, path.child('securityContext'), errs);
  list(s.imagePullSecrets).forEach((ref, i) => {
    if (!ref.name) errs.required(path.child('imagePullSecrets').index(i).child('name'));
  });
  validateNames(s, path, errs);
  const ads = s.activeDeadlineSeconds;
  if (ads !== undefined && ads !== null && (ads < 1 || ads > MAX_INT32)) errs.invalid(path.child('activeDeadlineSeconds'), ads, `must be between 1 and ${MAX_INT32}, inclusive`);
  errs.add(validateTolerations(s.tolerations, path.child('tolerations')));
  if (s.preemptionPolicy && !['PreemptLowerPriority', 'Never'].includes(s.preemptionPolicy)) {
    errs.notSupported(path.child('preemptionPolicy'), s.preemptionPolicy, ['Never', 'PreemptLowerPriority']);
  }
  return errs;
}

/**
 * ValidatePodTemplateSpec for workloads (Deployment, ReplicaSet, DaemonSet, StatefulSet, Job):
 * `path` is the template's path, e.g. root('spec', 'template').
 */
export function validatePodTemplateSpec(template: PodTemplateSpec | LoosePodTemplateSpec | undefined, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  const t: PodTemplateSpec = template && typeof template === 'object' ? (template as PodTemplateSpec) : {};
  // Kubernetes reports template label errors at "<path>.labels" (without "metadata"); kept for identical messages.
  errs.add(validateLabels(t.metadata?.labels, path.child('labels')));
  for (const key of Object.keys(t.metadata?.annotations ?? {})) {
    for (const msg of isQualifiedName(key.toLowerCase())) errs.invalid(path.child('annotations'), key, msg);
  }
  errs.add(validatePodSpec(t.spec, path.child('spec')));
  if (list(t.spec?.ephemeralContainers).length > 0) errs.forbidden(path.child('spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template');
  return errs;
}
