// Validation of one container (pkg/apis/core/validation: validateContainerCommon and friends):
// name, image, ports, env, envFrom, volume mounts, pull policy, resources, probes, security context.
import { ErrorList, type FieldPath, field } from '../../../../apimachinery/field.js';
import { isConfigMapKey, isDNS1123Label, isDNS1123Subdomain, isEnvVarName, isValidPortName, isValidPortNum } from '../../../../apimachinery/names.js';
import { compareQuantities, quantityText } from '../quantity.js';
import { type ResourceList, validateContainerResourceName, validateResourceQuantity } from '../resource-list.js';
import type { Container, Probe } from './types.js';

export const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
export const MAX_ID = 2147483647;
const NON_NEGATIVE = 'must be greater than or equal to 0';

/** An IntOrString port: a number 1-65535 or an IANA service name. */
export function validatePortNumOrName(port: unknown, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  if (port === undefined || port === null) port = 0;
  if (typeof port === 'number') for (const msg of isValidPortNum(port)) errs.invalid(path, port, msg);
  else if (typeof port === 'string') for (const msg of isValidPortName(port)) errs.invalid(path, port, msg);
  else errs.add(field.internal(path, `unknown type: ${typeof port}`));
  return errs;
}

export function validateDNS1123Label(value: string, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  for (const msg of isDNS1123Label(value)) errs.invalid(path, value, msg);
  return errs;
}

export function validateId(value: unknown, path: FieldPath, errs: ErrorList): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'number' || value < 0 || value > MAX_ID) errs.invalid(path, value, `must be between 0 and ${MAX_ID}, inclusive`);
}

function validatePorts(ports: Container['ports'], path: FieldPath, errs: ErrorList): void {
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const p = path.index(i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      for (const msg of msgs) errs.invalid(p.child('name'), port.name, msg);
      if (msgs.length === 0 && names.has(port.name)) errs.duplicate(p.child('name'), port.name);
      names.add(port.name);
    }
    if (!port.containerPort) errs.required(p.child('containerPort'));
    else for (const msg of isValidPortNum(port.containerPort)) errs.invalid(p.child('containerPort'), port.containerPort, msg);
    if (port.hostPort) for (const msg of isValidPortNum(port.hostPort)) errs.invalid(p.child('hostPort'), port.hostPort, msg);
    if (!port.protocol) errs.required(p.child('protocol'));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(port.protocol)) errs.notSupported(p.child('protocol'), port.protocol, SUPPORTED_PORT_PROTOCOLS);
  });
}

function validateKeyRef(ref: { name?: string; key?: string }, path: FieldPath, errs: ErrorList): void {
  if (!ref.key) errs.required(path.child('key'));
  else for (const msg of isConfigMapKey(ref.key)) errs.invalid(path.child('key'), ref.key, msg);
  if (!ref.name) errs.required(path.child('name'));
}

function validateEnv(env: Container['env'], path: FieldPath, errs: ErrorList): void {
  (env ?? []).forEach((ev, i) => {
    const p = path.index(i);
    if (!ev.name) errs.required(p.child('name'));
    else for (const msg of isEnvVarName(ev.name)) errs.invalid(p.child('name'), ev.name, msg);
    const from = ev.valueFrom;
    if (!from) return;
    const fp = p.child('valueFrom');
    const sources = (['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef'] as const).filter((k) => from[k]);
    if (sources.length === 0) errs.invalid(fp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`');
    if (ev.value && sources.length > 0) errs.invalid(fp, '', 'may not be specified when `value` is not empty');
    if (sources.length > 1) errs.invalid(fp, '', 'may not have more than one field specified at a time');
    if (from.fieldRef) {
      if (!from.fieldRef.apiVersion) errs.required(fp.child('fieldRef', 'apiVersion'));
      if (!from.fieldRef.fieldPath) errs.required(fp.child('fieldRef', 'fieldPath'));
    }
    if (from.resourceFieldRef && !from.resourceFieldRef.resource) errs.required(fp.child('resourceFieldRef', 'resource'));
    if (from.configMapKeyRef) validateKeyRef(from.configMapKeyRef, fp.child('configMapKeyRef'), errs);
    if (from.secretKeyRef) validateKeyRef(from.secretKeyRef, fp.child('secretKeyRef'), errs);
  });
}

function validateEnvFrom(envFrom: Container['envFrom'], path: FieldPath, errs: ErrorList): void {
  (envFrom ?? []).forEach((ef, i) => {
    const p = path.index(i);
    if (ef.prefix) for (const msg of isEnvVarName(ef.prefix)) errs.invalid(p.child('prefix'), ef.prefix, msg);
    const sources = (['configMapRef', 'secretRef'] as const).filter((k) => ef[k]);
    if (sources.length === 0) errs.invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`');
    if (sources.length > 1) errs.invalid(p, '', 'may not have more than one field specified at a time');
    for (const k of sources) {
      const name = ef[k]?.name;
      if (!name) errs.required(p.child(k, 'name'));
      else for (const msg of isDNS1123Subdomain(name)) errs.invalid(p.child(k, 'name'), name, msg);
    }
  });
}

function validateVolumeMounts(mounts: Container['volumeMounts'], volumes: ReadonlySet<string>, path: FieldPath, errs: ErrorList): void {
  const mountPoints = new Set<string>();
  (mounts ?? []).forEach((m, i) => {
    const p = path.index(i);
    if (!m.name) errs.required(p.child('name'));
    if (!volumes.has(m.name)) errs.add(field.notFound(p.child('name'), m.name));
    if (!m.mountPath) errs.required(p.child('mountPath'));
    if (mountPoints.has(m.mountPath)) errs.invalid(p.child('mountPath'), m.mountPath, 'must be unique');
    mountPoints.add(m.mountPath);
    if (m.subPath) {
      if (m.subPath.startsWith('/')) errs.invalid(path.child('subPath'), m.subPath, 'must be a relative path');
      if (m.subPath.split('/').includes('..')) errs.invalid(path.child('subPath'), m.subPath, "must not contain '..'");
    }
    const modes = ['None', 'HostToContainer', 'Bidirectional'];
    if (m.mountPropagation && !modes.includes(m.mountPropagation)) errs.notSupported(p.child('mountPropagation'), m.mountPropagation, modes);
  });
}

function validateResources(resources: Container['resources'], path: FieldPath, errs: ErrorList): void {
  const limits = (resources?.limits ?? {}) as ResourceList;
  const requests = (resources?.requests ?? {}) as ResourceList;
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  for (const [name, q] of Object.entries(limits)) {
    errs.add(validateContainerResourceName(name, limPath.key(name)), validateResourceQuantity(name, q, limPath.key(name)));
  }
  for (const [name, q] of Object.entries(requests)) {
    const p = reqPath.key(name);
    const nameErrs = validateContainerResourceName(name, p);
    const qErrs = validateResourceQuantity(name, q, p);
    errs.add(nameErrs, qErrs);
    if (!nameErrs.isEmpty() || !qErrs.isEmpty()) continue;
    // Resources that cannot be overcommitted (hugepages, extended resources) need request == limit.
    const overcommit = ['cpu', 'memory', 'ephemeral-storage'].includes(name);
    if (name in limits) {
      const cmp = compareQuantities(q, limits[name]);
      if (cmp !== 0 && !overcommit) errs.invalid(reqPath, quantityText(q), `must be equal to ${name} limit of ${quantityText(limits[name])}`);
      else if (cmp > 0) errs.invalid(reqPath, quantityText(q), `must be less than or equal to ${name} limit of ${quantityText(limits[name])}`);
    } else if (!overcommit) {
      errs.required(limPath, 'Limit must be set for non overcommitable resources');
    }
  }
}

type Handler = { exec?: { command?: string[] }; httpGet?: { port?: unknown; path?: string; scheme?: string }; tcpSocket?: { port?: unknown }; grpc?: { port?: number }; sleep?: { seconds?: number } };

/** Exactly one action: exec, httpGet, tcpSocket, grpc (probes) or sleep (lifecycle hooks). */
export function validateHandler(h: Handler, path: FieldPath, errs: ErrorList, kinds: readonly (keyof Handler)[]): void {
  let count = 0;
  for (const kind of kinds) {
    if (!h[kind]) continue;
    if (count++ > 0) {
      errs.forbidden(path.child(kind), 'may not specify more than 1 handler type');
      continue;
    }
    const p = path.child(kind);
    if (kind === 'exec' && !(h.exec?.command ?? []).length) errs.required(p.child('command'));
    if (kind === 'httpGet') {
      if (!h.httpGet?.path) errs.required(p.child('path'));
      errs.add(validatePortNumOrName(h.httpGet?.port, p.child('port')));
      const scheme = h.httpGet?.scheme ?? '';
      if (scheme !== 'HTTP' && scheme !== 'HTTPS') errs.notSupported(p.child('scheme'), scheme, ['HTTP', 'HTTPS']);
    }
    if (kind === 'tcpSocket') errs.add(validatePortNumOrName(h.tcpSocket?.port, p.child('port')));
    if (kind === 'grpc') for (const msg of isValidPortNum(h.grpc?.port ?? 0)) errs.invalid(p.child('port'), h.grpc?.port ?? 0, msg);
    if (kind === 'sleep' && (h.sleep?.seconds ?? 0) <= 0) errs.invalid(p.child('seconds'), h.sleep?.seconds ?? 0, 'must be greater than 0');
  }
  if (count === 0) errs.required(path, 'must specify a handler type');
}

export function validateProbe(probe: Probe | undefined, path: FieldPath, errs: ErrorList, kind: 'liveness' | 'readiness' | 'startup'): void {
  if (!probe) return;
  validateHandler(probe as Handler, path, errs, ['exec', 'httpGet', 'tcpSocket', 'grpc']);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const v = probe[f];
    if (typeof v === 'number' && v < 0) errs.invalid(path.child(f), v, NON_NEGATIVE);
  }
  const tgps = probe.terminationGracePeriodSeconds;
  if (kind === 'readiness' && tgps !== undefined) errs.invalid(path.child('terminationGracePeriodSeconds'), tgps, 'must not be set for readinessProbes');
  else if (tgps !== undefined && tgps <= 0) errs.invalid(path.child('terminationGracePeriodSeconds'), tgps, 'must be greater than 0');
  if (kind !== 'readiness' && probe.successThreshold !== undefined && probe.successThreshold !== 1) {
    errs.invalid(path.child('successThreshold'), probe.successThreshold, 'must be 1');
  }
}

export function validateSecurityContext(sc: Container['securityContext'], path: FieldPath, errs: ErrorList): void {
  if (!sc) return;
  validateId(sc.runAsUser, path.child('runAsUser'), errs);
  validateId(sc.runAsGroup, path.child('runAsGroup'), errs);
  if (sc.procMount && sc.procMount !== 'Default' && sc.procMount !== 'Unmasked') errs.notSupported(path.child('procMount'), sc.procMount, ['Default', 'Unmasked']);
  validateSeccompProfile(sc.seccompProfile, path.child('seccompProfile'), errs);
  if (sc.allowPrivilegeEscalation === false) {
    if (sc.privileged === true) errs.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true');
    if ((sc.capabilities?.add ?? []).includes('CAP_SYS_ADMIN')) {
      errs.invalid(path, sc, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN');
    }
  }
}

export function validateSeccompProfile(p: { type?: string; localhostProfile?: string } | undefined, path: FieldPath, errs: ErrorList): void {
  if (!p) return;
  const types = ['Localhost', 'RuntimeDefault', 'Unconfined'];
  if (!p.type) errs.required(path.child('type'));
  else if (!types.includes(p.type)) errs.notSupported(path.child('type'), p.type, types);
  if (p.type === 'Localhost' && !p.localhostProfile) errs.required(path.child('localhostProfile'), 'must be set when seccomp type is Localhost');
  if (p.type !== 'Localhost' && p.localhostProfile) errs.invalid(path.child('localhostProfile'), p.localhostProfile, 'can only be set when seccomp type is Localhost');
}

/** What every container kind shares (validateContainerCommon). */
export function validateContainerCommon(c: Container, volumes: ReadonlySet<string>, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  if (!c.name) errs.required(path.child('name'));
  else errs.add(validateDNS1123Label(c.name, path.child('name')));
  if (!c.image) errs.required(path.child('image'));
  const tmp = c.terminationMessagePolicy ?? '';
  if (!tmp) errs.required(path.child('terminationMessagePolicy'));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs.notSupported(path.child('terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']);
  validatePorts(c.ports, path.child('ports'), errs);
  validateEnv(c.env, path.child('env'), errs);
  validateEnvFrom(c.envFrom, path.child('envFrom'), errs);
  validateVolumeMounts(c.volumeMounts, volumes, path.child('volumeMounts'), errs);
  const pull = c.imagePullPolicy ?? '';
  if (!pull) errs.required(path.child('imagePullPolicy'));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(pull)) errs.notSupported(path.child('imagePullPolicy'), pull, ['Always', 'IfNotPresent', 'Never']);
  validateResources(c.resources, path.child('resources'), errs);
  validateSecurityContext(c.securityContext, path.child('securityContext'), errs);
  return errs;
}

/** Probes and lifecycle hooks, allowed on regular containers and restartable init containers. */
export function validateProbesAndLifecycle(c: Container, path: FieldPath, errs: ErrorList): void {
  for (const hook of ['postStart', 'preStop'] as const) {
    const h = c.lifecycle?.[hook];
    if (h) validateHandler(h as Handler, path.child('lifecycle', hook), errs, ['exec', 'httpGet', 'tcpSocket', 'sleep']);
  }
  validateProbe(c.livenessProbe, path.child('livenessProbe'), errs, 'liveness');
  validateProbe(c.readinessProbe, path.child('readinessProbe'), errs, 'readiness');
  validateProbe(c.startupProbe, path.child('startupProbe'), errs, 'startup');
}
