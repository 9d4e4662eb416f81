// Deployments: a pod template rolled out through ReplicaSets (RollingUpdate or Recreate).
import { ErrorList, root } from '../../../../apimachinery/field.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import {
  type Condition,
  type Workload,
  type WorkloadSpec,
  defaultTemplate,
  intOrPercent,
  validateIntOrPercent,
  validateNonNegative,
  validateSelectorImmutable,
  validateWorkloadSpec,
} from '../workload.js';

export interface DeploymentSpec extends WorkloadSpec {
  strategy?: { type?: 'RollingUpdate' | 'Recreate'; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
  paused?: boolean;
  progressDeadlineSeconds?: number;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: Condition[];
  collisionCount?: number;
}

export type Deployment = Workload<DeploymentSpec, DeploymentStatus>;

export function defaultDeployment(d: Deployment): void {
  const spec = (d.spec ??= {});
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(spec.template);
}

function validateDeployment(d: Deployment): ErrorList {
  const errs = new ErrorList();
  const spec = d.spec;
  validateWorkloadSpec(spec, errs, { requireRestartAlways: true });
  if (!spec) return errs;
  const strategyPath = root('spec', 'strategy');
  const type = spec.strategy?.type;
  if (type !== 'RollingUpdate' && type !== 'Recreate') errs.notSupported(strategyPath.child('type'), type, ['Recreate', 'RollingUpdate']);
  const rolling = spec.strategy?.rollingUpdate;
  if (type === 'Recreate' && rolling) errs.forbidden(strategyPath.child('rollingUpdate'), 'may not be specified when strategy `type` is \'Recreate\'');
  if (type === 'RollingUpdate' && rolling) {
    const rollingPath = strategyPath.child('rollingUpdate');
    validateIntOrPercent(rolling.maxSurge, rollingPath.child('maxSurge'), errs);
    validateIntOrPercent(rolling.maxUnavailable, rollingPath.child('maxUnavailable'), errs);
    if (typeof rolling.maxUnavailable === 'string' && Number(rolling.maxUnavailable.replace('%', '')) > 100) {
      errs.invalid(rollingPath.child('maxUnavailable'), rolling.maxUnavailable, 'must not be greater than 100%');
    }
    // Both zero would never make progress.
    if (intOrPercent(rolling.maxSurge, 100, true) === 0 && intOrPercent(rolling.maxUnavailable, 100, false) === 0) {
      errs.invalid(rollingPath.child('maxUnavailable'), rolling.maxUnavailable, 'may not be 0 when `maxSurge` is 0');
    }
  }
  validateNonNegative(spec.progressDeadlineSeconds, root('spec', 'progressDeadlineSeconds'), errs);
  if (spec.progressDeadlineSeconds !== undefined && spec.progressDeadlineSeconds <= (spec.minReadySeconds ?? 0)) {
    errs.invalid(root('spec', 'progressDeadlineSeconds'), spec.progressDeadlineSeconds, 'must be greater than minReadySeconds');
  }
  return errs;
}

const strategies = specStatusStrategy<Deployment>({
  defaults: defaultDeployment,
  validate: validateDeployment,
  validateUpdate: (d, old) => validateSelectorImmutable(d.spec, old.spec),
});

export const deploymentStrategy = strategies.strategy;
export const deploymentStatusStrategy = strategies.statusStrategy;
