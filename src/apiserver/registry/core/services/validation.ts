// ValidateService / ValidateServiceUpdate / status validation with Kubernetes' messages.
import { isIP } from 'node:net';
import { ErrorList, root } from '../../../../apimachinery/field.js';
import { validateLabels } from '../../../../apimachinery/labels.js';
import { isDNS1123Subdomain, isQualifiedName, isValidPortNum } from '../../../../apimachinery/names.js';
import { validateIP } from '../ip.js';
import { SUPPORTED_PORT_PROTOCOLS, validateDNS1123Label, validatePortNumOrName } from '../pods/container-validation.js';
import { SERVICE_TYPES, type Service, isHeadless } from './types.js';

const spec = root('spec');
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;
const externallyAccessible = (svc: Service): boolean =>
  svc.spec?.type === 'LoadBalancer' || svc.spec?.type === 'NodePort' || (svc.spec?.type === 'ClusterIP' && (svc.spec.externalIPs ?? []).length > 0);

function validatePorts(svc: Service, errs: ErrorList): void {
  const ports = svc.spec?.ports ?? [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = spec.child('ports').index(i);
    if (ports.length > 1 && !port.name) errs.required(p.child('name'));
    else if (port.name) {
      errs.add(validateDNS1123Label(port.name, p.child('name')));
      if (names.has(port.name)) errs.duplicate(p.child('name'), port.name);
      names.add(port.name);
    }
    for (const msg of isValidPortNum(port.port ?? 0)) errs.invalid(p.child('port'), port.port ?? 0, msg);
    if (!port.protocol) errs.required(p.child('protocol'));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(port.protocol)) errs.notSupported(p.child('protocol'), port.protocol, SUPPORTED_PORT_PROTOCOLS);
    errs.add(validatePortNumOrName(port.targetPort, p.child('targetPort')));
    if (port.appProtocol) for (const msg of isQualifiedName(port.appProtocol)) errs.invalid(p.child('appProtocol'), port.appProtocol, msg);
    if (svc.spec?.type === 'ClusterIP' && port.nodePort) errs.forbidden(p.child('nodePort'), "may not be used when `type` is 'ClusterIP'");
  });
  const nodePorts = new Set<string>();
  const servicePorts = new Set<string>();
  ports.forEach((port, i) => {
    const p = spec.child('ports').index(i);
    if (port.nodePort) {
      const key = `${port.protocol}/${port.nodePort}`;
      if (nodePorts.has(key)) errs.duplicate(p.child('nodePort'), port.nodePort);
      nodePorts.add(key);
    }
    const key = `${port.protocol}/${port.port}`;
    if (servicePorts.has(key)) errs.duplicate(p, { protocol: port.protocol, port: port.port });
    servicePorts.add(key);
  });
}

function validateClusterIPs(svc: Service, errs: ErrorList): void {
  const s = svc.spec ?? {};
  if (s.type === 'ExternalName') return;
  const ips = s.clusterIPs ?? [];
  const path = spec.child('clusterIPs');
  if (s.clusterIP) {
    if (ips.length === 0) errs.required(path);
    else if (ips[0] !== s.clusterIP) errs.invalid(path, ips, 'first value must match `clusterIP`');
  } else if (ips.length > 0) {
    errs.invalid(path, ips, 'must be empty when `clusterIP` is not specified');
  }
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) errs.invalid(path, ips, "'None' must be the first and only value");
      return;
    }
    errs.add(validateIP(ip, path.index(i)));
  });
  if (ips.length > 2) errs.invalid(path, ips, 'may only hold up to 2 values');
  (s.ipFamilies ?? []).forEach((family, i) => {
    const p = spec.child('ipFamilies').index(i);
    if (family !== 'IPv4' && family !== 'IPv6') errs.notSupported(p, family, ['IPv4', 'IPv6']);
    else if (family === 'IPv6') errs.invalid(p, family, 'not configured on this cluster');
  });
  const policy = s.ipFamilyPolicy;
  const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
  if (policy !== undefined && !policies.includes(policy)) errs.notSupported(spec.child('ipFamilyPolicy'), policy, policies);
  else if (policy === 'RequireDualStack') errs.invalid(spec.child('ipFamilyPolicy'), policy, 'this cluster is not configured for dual-stack services');
}

function validateTypeSpecific(svc: Service, errs: ErrorList): void {
  const s = svc.spec ?? {};
  const type = s.type ?? '';
  if (!type) errs.required(spec.child('type'));
  else if (!SERVICE_TYPES.includes(type)) errs.notSupported(spec.child('type'), type, SERVICE_TYPES);
  if ((s.ports ?? []).length === 0 && !isHeadless(svc) && type !== 'ExternalName') errs.required(spec.child('ports'));
  if ((type === 'LoadBalancer' || type === 'NodePort') && isHeadless(svc)) {
    errs.invalid(spec.child('clusterIPs').index(0), 'None', `may not be set to 'None' for ${type} services`);
  }
  if (type === 'ExternalName') {
    if ((s.clusterIPs ?? []).length > 0 || s.clusterIP) errs.forbidden(spec.child('clusterIPs'), 'may not be set for ExternalName services');
    if ((s.ipFamilies ?? []).length > 0) errs.forbidden(spec.child('ipFamilies'), 'may not be set for ExternalName services');
    if (s.ipFamilyPolicy !== undefined) errs.forbidden(spec.child('ipFamilyPolicy'), 'may not be set for ExternalName services');
    const cname = (s.externalName ?? '').replace(/\.$/, '');
    if (!cname) errs.required(spec.child('externalName'));
    else for (const msg of isDNS1123Subdomain(cname)) errs.invalid(spec.child('externalName'), cname, msg);
  }
}

function validateTrafficAndAffinity(svc: Service, errs: ErrorList): void {
  const s = svc.spec ?? {};
  const affinity = s.sessionAffinity ?? '';
  if (!affinity) errs.required(spec.child('sessionAffinity'));
  else if (affinity !== 'ClientIP' && affinity !== 'None') errs.notSupported(spec.child('sessionAffinity'), affinity, ['ClientIP', 'None']);
  if (affinity === 'ClientIP') {
    const t = s.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (t === undefined || t <= 0 || t > MAX_CLIENT_IP_AFFINITY_SECONDS) {
      errs.invalid(spec.child('sessionAffinityConfig', 'clientIP', 'timeoutSeconds'), t ?? null, `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`);
    }
  } else if (affinity === 'None' && s.sessionAffinityConfig) {
    errs.forbidden(spec.child('sessionAffinityConfig'), 'must not be set when session affinity is None');
  }
  const etp = s.externalTrafficPolicy;
  if (!externallyAccessible(svc)) {
    if (etp) errs.invalid(spec.child('externalTrafficPolicy'), etp, 'may only be set for externally-accessible services');
  } else if (!etp) errs.required(spec.child('externalTrafficPolicy'));
  else if (etp !== 'Cluster' && etp !== 'Local') errs.notSupported(spec.child('externalTrafficPolicy'), etp, ['Cluster', 'Local']);
  if (s.healthCheckNodePort && !(s.type === 'LoadBalancer' && etp === 'Local')) {
    errs.invalid(spec.child('healthCheckNodePort'), s.healthCheckNodePort, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'");
  }
  const itp = s.internalTrafficPolicy;
  if (itp === undefined) {
    if (s.type !== 'ExternalName') errs.required(spec.child('internalTrafficPolicy'));
  } else if (itp !== 'Cluster' && itp !== 'Local') errs.notSupported(spec.child('internalTrafficPolicy'), itp, ['Cluster', 'Local']);
  (s.externalIPs ?? []).forEach((ip, i) => errs.add(validateIP(ip, spec.child('externalIPs').index(i))));
}

export function validateService(svc: Service): ErrorList {
  const errs = new ErrorList();
  validateTypeSpecific(svc, errs);
  validatePorts(svc, errs);
  if (svc.spec?.selector) errs.add(validateLabels(svc.spec.selector, spec.child('selector')));
  validateTrafficAndAffinity(svc, errs);
  validateClusterIPs(svc, errs);
  return errs;
}

/** The primary cluster IP never changes (except to and from ExternalName, or while headless). */
export function validateServiceUpdate(svc: Service, old: Service): ErrorList {
  const errs = new ErrorList();
  if (svc.spec?.type === 'ExternalName' || old.spec?.type === 'ExternalName') return errs;
  if (isHeadless(svc) && isHeadless(old)) return errs;
  const before = old.spec?.clusterIPs ?? [];
  const after = svc.spec?.clusterIPs ?? [];
  const path = spec.child('clusterIPs').index(0);
  if (before.length > 0 && after.length === 0) errs.invalid(path, after, 'primary clusterIP can not be unset');
  else if (before.length > 0 && after[0] !== before[0]) errs.invalid(path, after, 'may not change once set');
  return errs;
}

export function validateServiceStatus(svc: Service): ErrorList {
  const errs = new ErrorList();
  (svc.status?.loadBalancer?.ingress ?? []).forEach((ing, i) => {
    const p = root('status', 'loadBalancer', 'ingress').index(i);
    if (ing.ip && isIP(ing.ip) === 0) errs.invalid(p.child('ip'), ing.ip, 'must be a valid IP address');
    if (ing.hostname) for (const msg of isDNS1123Subdomain(ing.hostname)) errs.invalid(p.child('hostname'), ing.hostname, msg);
  });
  return errs;
}
