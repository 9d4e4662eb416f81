// ResourceQuotas: hard limits per namespace (spec.hard) and what is used (status, written by the
// quota controller). Resource names must be quota resources; scopes from a fixed set.
import { ErrorList, type FieldPath, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import { validateResourceName, validateResourceQuantity } from '../resource-list.js';
import type { ResourceQuotaSpec, ResourceQuotaStatus } from 'kubernetes-types/core/v1.js';

export interface ResourceQuota extends KubeObject {
  spec?: ResourceQuotaSpec;
  status?: ResourceQuotaStatus;
}

const STANDARD_QUOTA_RESOURCES = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory',
  'requests.storage', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);
const SCOPES = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating'];

function validateQuotaResourceName(name: string, path: FieldPath): ErrorList {
  const errs = validateResourceName(name, path);
  const hugePages = name.startsWith('hugepages-') || name.startsWith('requests.hugepages-');
  if (!name.includes('/') && !STANDARD_QUOTA_RESOURCES.has(name) && !hugePages) errs.invalid(path, name, 'must be a standard resource for quota');
  return errs;
}

function validateList(list: Record<string, unknown> | undefined, path: FieldPath, errs: ErrorList): void {
  for (const [name, q] of Object.entries(list ?? {})) {
    errs.add(validateQuotaResourceName(name, path.key(name)), validateResourceQuantity(name, q, path.key(name)));
  }
}

function validate(rq: ResourceQuota): ErrorList {
  const errs = new ErrorList();
  validateList(rq.spec?.hard, root('spec', 'hard'), errs);
  const scopes = rq.spec?.scopes ?? [];
  scopes.forEach((scope) => {
    if (!SCOPES.includes(scope)) errs.invalid(root('spec', 'scopes'), scope, 'unsupported scope');
  });
  const has = (s: string): boolean => scopes.includes(s);
  if ((has('BestEffort') && has('NotBestEffort')) || (has('Terminating') && has('NotTerminating'))) {
    errs.invalid(root('spec', 'scopes'), scopes, 'conflicting scopes');
  }
  (rq.spec?.scopeSelector?.matchExpressions ?? []).forEach((req, i) => {
    const p = root('spec', 'scopeSelector', 'matchExpressions').index(i);
    if (!SCOPES.includes(req.scopeName)) errs.invalid(p.child('scopeName'), req.scopeName, 'unsupported scope');
    const ops = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
    if (!ops.includes(req.operator)) errs.invalid(p.child('operator'), req.operator, 'not a valid selector operator');
  });
  return errs;
}

const base = specStatusStrategy<ResourceQuota>({
  tracksGeneration: false,
  validate,
  validateStatusUpdate: (rq) => {
    const errs = new ErrorList();
    validateList(rq.status?.hard, root('status', 'hard'), errs);
    validateList(rq.status?.used, root('status', 'used'), errs);
    return errs;
  },
});

export const resourceQuotaStrategy = base.strategy;
export const resourceQuotaStatusStrategy = base.statusStrategy;
