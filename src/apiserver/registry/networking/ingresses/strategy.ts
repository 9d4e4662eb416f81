// networking.k8s.io/v1 Ingresses: HTTP routing rules to Service backends, with a load balancer
// status written by the ingress controller through /status.
import { ErrorList, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { isDNS1123Subdomain } from '../../../../apimachinery/names.js';
import type { Strategy } from '../../generic/resource.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import { parseIP, validateLegacyIP } from '../net-validation.js';
import { type IngressValidationOptions, invalidWildcardRules, tlsSecretNameErrors, validateIngressSpec } from './validation.js';

export interface ServiceBackendPort {
  name?: string;
  number?: number;
}

export interface IngressBackend {
  service?: { name?: string; port?: ServiceBackendPort };
  resource?: { apiGroup?: string; kind?: string; name?: string };
}

export interface HTTPIngressPath {
  path?: string;
  pathType?: string;
  backend?: IngressBackend;
}

export interface IngressRule {
  host?: string;
  http?: { paths?: HTTPIngressPath[] };
}

export interface IngressSpec {
  ingressClassName?: string;
  defaultBackend?: IngressBackend;
  tls?: { hosts?: string[]; secretName?: string }[];
  rules?: IngressRule[];
}

export interface IngressStatus {
  loadBalancer?: { ingress?: { ip?: string; hostname?: string; ports?: { port?: number; protocol?: string; error?: string }[] }[] };
}

export interface Ingress extends KubeObject {
  spec?: IngressSpec;
  status?: IngressStatus;
}

export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

function validateIngress(ing: Ingress, opts: IngressValidationOptions): ErrorList {
  return validateIngressSpec(ing.spec ?? {}, root('spec'), opts);
}

/** ValidateIngressCreate: the spec, and a class annotation that agrees with ingressClassName. */
export function validateIngressCreate(ing: Ingress): ErrorList {
  const errs = validateIngress(ing, { allowInvalidSecretName: false, allowInvalidWildcardHostRule: false });
  const annotation = ing.metadata.annotations?.[INGRESS_CLASS_ANNOTATION];
  const className = ing.spec?.ingressClassName;
  if (annotation !== undefined && className !== undefined && annotation !== className) {
    errs.invalid(root('annotations').child(INGRESS_CLASS_ANNOTATION), annotation, 'must match `ingressClassName` when both are specified');
  }
  return errs;
}

/** ValidateIngressUpdate: stored objects that predate stricter checks stay updatable. */
export function validateIngressUpdate(ing: Ingress, old: Ingress): ErrorList {
  return validateIngress(ing, {
    allowInvalidSecretName: (old.spec?.tls ?? []).some((t) => tlsSecretNameErrors(t.secretName).length > 0),
    allowInvalidWildcardHostRule: invalidWildcardRules(old.spec?.rules ?? []),
  });
}

/** ValidateIngressLoadBalancerStatus. */
export function validateIngressStatus(ing: Ingress): ErrorList {
  const errs = new ErrorList();
  (ing.status?.loadBalancer?.ingress ?? []).forEach((lb, i) => {
    const idx = root('status', 'loadBalancer', 'ingress').index(i);
    if (lb.ip) errs.add(validateLegacyIP(idx.child('ip'), lb.ip));
    if (lb.hostname) {
      for (const msg of isDNS1123Subdomain(lb.hostname)) errs.invalid(idx.child('hostname'), lb.hostname, msg);
      if (parseIP(lb.hostname)) errs.invalid(idx.child('hostname'), lb.hostname, 'must be a DNS name, not an IP address');
    }
  });
  return errs;
}

const strategies = specStatusStrategy<Ingress>({
  validate: validateIngressCreate,
  validateStatusUpdate: (ing) => validateIngressStatus(ing),
});

export const ingressStrategy: Strategy<Ingress> = {
  ...strategies.strategy,
  // Not create + update checks: the update rules relax checks for already stored objects.
  validateUpdate: (ing, old) => validateIngressUpdate(ing, old),
};
export const ingressStatusStrategy = strategies.statusStrategy;
