// ReplicaSets: keep `replicas` pods matching the selector, made from the template.
import { ErrorList } from '../../../../apimachinery/field.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import { type Condition, type Workload, type WorkloadSpec, defaultTemplate, validateSelectorImmutable, validateWorkloadSpec } from '../workload.js';

export interface ReplicaSetStatus {
  replicas?: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: Condition[];
}

export type ReplicaSet = Workload<WorkloadSpec, ReplicaSetStatus>;

const validate = (rs: ReplicaSet): ErrorList => {
  const errs = new ErrorList();
  validateWorkloadSpec(rs.spec, errs, { requireRestartAlways: true });
  return errs;
};

const strategies = specStatusStrategy<ReplicaSet>({
  defaults: (rs) => {
    rs.spec ??= {};
    rs.spec.replicas ??= 1;
    defaultTemplate(rs.spec.template);
  },
  validate,
  validateUpdate: (rs, old) => validateSelectorImmutable(rs.spec, old.spec),
});

export const replicaSetStrategy = strategies.strategy;
export const replicaSetStatusStrategy = strategies.statusStrategy;
