// Kubernetes' defaults for a PodSpec (pkg/apis/core/v1/defaults.go), shared by Pods and every
// workload's pod template. Pod-only defaults (enableServiceLinks, requests from limits) are in
// defaultPod, because Kubernetes applies them to Pods and not to templates.
import type { Container, PodSpec, Probe, Volume } from './types.js';
import { VOLUME_SOURCES } from './types.js';
import type { Pod } from './types.js';

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
/** 0644, the default mode of files projected from secrets, config maps and the downward API. */
const DEFAULT_FILE_MODE = 420;

type Mutable = Record<string, unknown>;

/** The image's tag as Docker parses a reference; "latest" when there is neither tag nor digest. */
export function imageTag(image: string): string {
  if (image.includes('@')) {
    const named = image.slice(0, image.indexOf('@'));
    const slash = named.lastIndexOf('/');
    const colon = named.lastIndexOf(':');
    return colon > slash ? named.slice(colon + 1) : '';
  }
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : 'latest';
}

function defaultProbe(probe: Probe | undefined): void {
  if (!probe || typeof probe !== 'object') return;
  probe.timeoutSeconds ||= 1;
  probe.periodSeconds ||= 10;
  probe.successThreshold ||= 1;
  probe.failureThreshold ||= 3;
  if (probe.httpGet) {
    probe.httpGet.path ||= '/';
    probe.httpGet.scheme ||= 'HTTP';
  }
}

function defaultHandler(handler: { httpGet?: { path?: string; scheme?: string } } | undefined): void {
  if (handler?.httpGet) {
    handler.httpGet.path ||= '/';
    handler.httpGet.scheme ||= 'HTTP';
  }
}

export function defaultContainer(c: Container, hostNetwork: boolean): void {
  if (!c || typeof c !== 'object') return;
  if (!c.imagePullPolicy) c.imagePullPolicy = imageTag(String(c.image ?? '')) === 'latest' ? 'Always' : 'IfNotPresent';
  c.terminationMessagePath ||= '/dev/termination-log';
  c.terminationMessagePolicy ||= 'File';
  for (const port of Array.isArray(c.ports) ? c.ports : []) {
    port.protocol ||= 'TCP';
    if (hostNetwork && !port.hostPort) port.hostPort = port.containerPort;
  }
  for (const env of Array.isArray(c.env) ? c.env : []) {
    if (env.valueFrom?.fieldRef) env.valueFrom.fieldRef.apiVersion ||= 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  defaultHandler(c.lifecycle?.postStart);
  defaultHandler(c.lifecycle?.preStop);
}

export function defaultVolume(v: Volume): void {
  if (!v || typeof v !== 'object') return;
  const src = v as unknown as Mutable;
  // A volume that names no source is an emptyDir (SetDefaults_Volume).
  if (!VOLUME_SOURCES.some((k) => src[k] !== undefined && src[k] !== null)) v.emptyDir = {};
  if (v.secret) v.secret.defaultMode ??= DEFAULT_FILE_MODE;
  if (v.configMap) v.configMap.defaultMode ??= DEFAULT_FILE_MODE;
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= DEFAULT_FILE_MODE;
    for (const item of v.downwardAPI.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ||= 'v1';
  }
  if (v.projected) {
    v.projected.defaultMode ??= DEFAULT_FILE_MODE;
    for (const s of v.projected.sources ?? []) {
      for (const item of s.downwardAPI?.items ?? []) if (item.fieldRef) item.fieldRef.apiVersion ||= 'v1';
      if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
    }
  }
  if (v.hostPath) v.hostPath.type ??= '';
  if (v.iscsi) v.iscsi.iscsiInterface ||= 'default';
}

/** SetDefaults_PodSpec plus the defaults of everything inside it (containers, volumes, probes). */
export function defaultPodSpec(podSpec: PodSpec | Record<string, unknown> | undefined): void {
  if (!podSpec || typeof podSpec !== 'object') return;
  const spec = podSpec as PodSpec;
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  spec.schedulerName ||= DEFAULT_SCHEDULER_NAME;
  // The deprecated alias is kept in step with serviceAccountName, as the v1 conversion does.
  if (spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  else if (spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  // Host ports follow container ports with hostNetwork only in Pods (templates: feature gate off in 1.32).
  for (const c of Array.isArray(spec.containers) ? spec.containers : []) defaultContainer(c, false);
  for (const c of Array.isArray(spec.initContainers) ? spec.initContainers : []) defaultContainer(c, false);
  for (const v of Array.isArray(spec.volumes) ? spec.volumes : []) defaultVolume(v);
}

function requestsFromLimits(containers: Container[] | undefined): void {
  for (const c of Array.isArray(containers) ? containers : []) {
    const limits = c?.resources?.limits;
    if (!limits || Object.keys(limits).length === 0) continue;
    const requests = (c.resources!.requests ??= {});
    for (const [name, value] of Object.entries(limits)) if (!(name in requests)) requests[name] = value;
  }
}

/** SetDefaults_Pod: the PodSpec defaults plus what only Pods get. */
export function defaultPod(pod: Pod): void {
  if (!pod.spec || typeof pod.spec !== 'object') return;
  if (pod.spec.hostNetwork === true) {
    const all = [pod.spec.containers, pod.spec.initContainers].flatMap((list) => (Array.isArray(list) ? list : []));
    for (const c of all) defaultContainer(c, true);
  }
  defaultPodSpec(pod.spec);
  requestsFromLimits(pod.spec.containers);
  requestsFromLimits(pod.spec.initContainers);
  pod.spec.enableServiceLinks ??= true;
}
