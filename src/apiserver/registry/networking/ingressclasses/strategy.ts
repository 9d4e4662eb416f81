// networking.k8s.io/v1 IngressClasses (cluster-scoped): which controller implements a class,
// and an optional reference to its parameters.
import { ErrorList, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { validateNamespaceName } from '../../../../apimachinery/names.js';
import type { Strategy } from '../../generic/resource.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import { validateImmutableField } from '../../batch/field-helpers.js';
import { validateTypedLocalObjectReference } from '../ingresses/validation.js';
import { validateDomainPrefixedPath } from '../net-validation.js';

export interface IngressClassParametersReference {
  apiGroup?: string;
  kind?: string;
  name?: string;
  scope?: string;
  namespace?: string;
}

export interface IngressClass extends KubeObject {
  spec?: { controller?: string; parameters?: IngressClassParametersReference };
}

export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
const MAX_CONTROLLER_LENGTH = 250;
const SCOPES = ['Cluster', 'Namespace'];

const defaults = (ic: IngressClass): void => {
  if (ic.spec?.parameters) ic.spec.parameters.scope ??= 'Cluster';
};

export function validateIngressClass(ic: IngressClass): ErrorList {
  const errs = new ErrorList();
  const path = root('spec');
  const controller = ic.spec?.controller ?? '';
  if (controller.length > MAX_CONTROLLER_LENGTH) errs.tooLong(path.child('controller'), MAX_CONTROLLER_LENGTH);
  errs.add(validateDomainPrefixedPath(path.child('controller'), controller));
  const params = ic.spec?.parameters;
  if (params) {
    const pp = path.child('parameters');
    validateTypedLocalObjectReference(params, pp, errs);
    if (params.scope === undefined) errs.required(pp.child('scope'));
    else if (!SCOPES.includes(params.scope)) errs.notSupported(pp.child('scope'), params.scope, SCOPES);
    else if (params.scope === 'Namespace') {
      if (params.namespace === undefined) errs.required(pp.child('namespace'), "`parameters.scope` is set to 'Namespace'");
      else for (const msg of validateNamespaceName(params.namespace, false)) errs.invalid(pp.child('namespace'), params.namespace, msg);
    } else if (params.namespace !== undefined) {
      errs.forbidden(pp.child('namespace'), "`parameters.scope` is set to 'Cluster'");
    }
  }
  return errs;
}

const base = specStatusStrategy<IngressClass>({ defaults, validate: validateIngressClass }).strategy;

export const ingressClassStrategy: Strategy<IngressClass> = {
  ...base,
  // ValidateIngressClassUpdate reports the immutable controller before the spec checks.
  validateUpdate: (ic, old) =>
    validateImmutableField(ic.spec?.controller, old.spec?.controller, root('spec', 'controller')).add(validateIngressClass(ic)),
};
