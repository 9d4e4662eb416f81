// Ingress spec validation (pkg/apis/networking/validation): rules, paths, backends and TLS.
import { ErrorList, type FieldPath, GoLiteral, root } from '../../../../apimachinery/field.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPathSegmentName, isValidPortName, isValidPortNum } from '../../../../apimachinery/names.js';
import { isWildcardDNS1123Subdomain, parseIP } from '../net-validation.js';
import type { HTTPIngressPath, IngressBackend, IngressRule, IngressSpec } from './strategy.js';

export interface IngressValidationOptions {
  allowInvalidSecretName: boolean;
  allowInvalidWildcardHostRule: boolean;
}

export const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

export const tlsSecretNameErrors = (name: string | undefined): string[] => (name ? isDNS1123Subdomain(name) : []);

/** validateIngressTypedLocalObjectReference (backend.resource and IngressClass parameters). */
export function validateTypedLocalObjectReference(ref: { apiGroup?: string; kind?: string; name?: string }, path: FieldPath, errs: ErrorList): void {
  if (ref.apiGroup !== undefined) for (const msg of isDNS1123Subdomain(ref.apiGroup)) errs.invalid(path.child('apiGroup'), ref.apiGroup, msg);
  if (!ref.kind) errs.required(path.child('kind'), 'kind is required');
  else for (const msg of isValidPathSegmentName(ref.kind)) errs.invalid(path.child('kind'), ref.kind, msg);
  if (!ref.name) errs.required(path.child('name'), 'name is required');
  else for (const msg of isValidPathSegmentName(ref.name)) errs.invalid(path.child('name'), ref.name, msg);
}

export function validateIngressBackend(backend: IngressBackend, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  if (backend.resource && backend.service) return errs.invalid(path, '', 'cannot set both resource and service backends');
  if (backend.resource) {
    validateTypedLocalObjectReference(backend.resource, path.child('resource'), errs);
    return errs;
  }
  if (!backend.service) return errs.invalid(path, '', 'resource or service backend is required');
  const svc = backend.service;
  if (!svc.name) errs.required(path.child('service', 'name'));
  else for (const msg of isDNS1035Label(svc.name)) errs.invalid(path.child('service', 'name'), svc.name, msg);
  const portName = svc.port?.name ?? '';
  const portNumber = svc.port?.number ?? 0;
  if (portName && portNumber) errs.invalid(path, '', 'cannot set both port name & port number');
  else if (portName) for (const msg of isValidPortName(portName)) errs.invalid(path.child('service', 'port', 'name'), portName, msg);
  else if (portNumber) for (const msg of isValidPortNum(portNumber)) errs.invalid(path.child('service', 'port', 'number'), portNumber, msg);
  else errs.required(path, 'port name or number is required');
  return errs;
}

function validatePath(p: HTTPIngressPath, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  if (p.pathType === undefined) return errs.required(path.child('pathType'), 'pathType must be specified');
  const value = p.path ?? '';
  if (p.pathType === 'Exact' || p.pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.invalid(path.child('path'), value, 'must be an absolute path');
    for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) errs.invalid(path.child('path'), value, `must not contain '${seq}'`);
    for (const suffix of INVALID_PATH_SUFFIXES) if (value.endsWith(suffix)) errs.invalid(path.child('path'), value, `cannot end with '${suffix}'`);
  } else if (p.pathType === 'ImplementationSpecific') {
    if (value.length > 0 && !value.startsWith('/')) errs.invalid(path.child('path'), value, 'must be an absolute path');
  } else {
    errs.notSupported(path.child('pathType'), p.pathType, PATH_TYPES);
  }
  return errs.add(validateIngressBackend(p.backend ?? {}, path.child('backend')));
}

function validateRuleValue(rule: IngressRule, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  if (!rule.http) return errs;
  const paths = rule.http.paths ?? [];
  if (paths.length === 0) errs.required(path.child('http', 'paths'));
  paths.forEach((p, i) => errs.add(validatePath(p, path.child('http', 'paths').index(i))));
  return errs;
}

/** Whether any wildcard-host rule of a stored object fails today's rule checks. */
export const invalidWildcardRules = (rules: IngressRule[]): boolean =>
  rules.some((r) => (r.host ?? '').includes('*') && !validateRuleValue(r, root('rules')).isEmpty());

function validateRules(rules: IngressRule[], path: FieldPath, opts: IngressValidationOptions): ErrorList {
  const errs = new ErrorList();
  rules.forEach((rule, i) => {
    const host = rule.host ?? '';
    let wildcard = false;
    if (host) {
      const hostPath = path.index(i).child('host');
      if (parseIP(host)) errs.invalid(hostPath, host, 'must be a DNS name, not an IP address');
      if (host.includes('*')) {
        for (const msg of isWildcardDNS1123Subdomain(host)) errs.invalid(hostPath, host, msg);
        wildcard = true;
      } else {
        for (const msg of isDNS1123Subdomain(host)) errs.invalid(hostPath, host, msg);
      }
    }
    if (!wildcard || !opts.allowInvalidWildcardHostRule) errs.add(validateRuleValue(rule, path.index(i)));
  });
  return errs;
}

export function validateIngressSpec(spec: IngressSpec, path: FieldPath, opts: IngressValidationOptions): ErrorList {
  const errs = new ErrorList();
  const rules = spec.rules ?? [];
  if (rules.length === 0 && !spec.defaultBackend) {
    const shown = new GoLiteral(spec.rules ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)');
    errs.invalid(path, shown, 'either `defaultBackend` or `rules` must be specified');
  }
  if (spec.defaultBackend) errs.add(validateIngressBackend(spec.defaultBackend, path.child('defaultBackend')));
  if (rules.length > 0) errs.add(validateRules(rules, path.child('rules'), opts));
  (spec.tls ?? []).forEach((tls, t) => {
    const tlsPath = path.child('tls').index(t);
    (tls.hosts ?? []).forEach((host, i) => {
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      for (const msg of msgs) errs.invalid(tlsPath.child('hosts').index(i), host, msg);
    });
    if (!opts.allowInvalidSecretName) for (const msg of tlsSecretNameErrors(tls.secretName)) errs.invalid(tlsPath.child('secretName'), tls.secretName, msg);
  });
  if (spec.ingressClassName !== undefined) {
    for (const msg of isDNS1123Subdomain(spec.ingressClassName)) errs.invalid(path.child('ingressClassName'), spec.ingressClassName, msg);
  }
  return errs;
}
