// DaemonSets: one pod per eligible node, rolled with RollingUpdate or OnDelete.
import { ErrorList, root } from '../../../../apimachinery/field.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import {
  type Condition,
  type Workload,
  type WorkloadSpec,
  defaultTemplate,
  validateIntOrPercent,
  validateSelectorImmutable,
  validateWorkloadSpec,
} from '../workload.js';

export interface DaemonSetSpec extends Omit<WorkloadSpec, 'replicas'> {
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { maxUnavailable?: number | string; maxSurge?: number | string } };
}

export interface DaemonSetStatus {
  currentNumberScheduled?: number;
  numberMisscheduled?: number;
  desiredNumberScheduled?: number;
  numberReady?: number;
  observedGeneration?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  conditions?: Condition[];
}

export type DaemonSet = Workload<DaemonSetSpec, DaemonSetStatus>;

const strategies = specStatusStrategy<DaemonSet>({
  defaults: (ds) => {
    const spec = (ds.spec ??= {});
    spec.updateStrategy ??= {};
    spec.updateStrategy.type ??= 'RollingUpdate';
    if (spec.updateStrategy.type === 'RollingUpdate') {
      spec.updateStrategy.rollingUpdate ??= {};
      spec.updateStrategy.rollingUpdate.maxUnavailable ??= 1;
      spec.updateStrategy.rollingUpdate.maxSurge ??= 0;
    }
    spec.revisionHistoryLimit ??= 10;
    defaultTemplate(spec.template);
  },
  validate: (ds) => {
    const errs = new ErrorList();
    validateWorkloadSpec(ds.spec, errs, { requireRestartAlways: true });
    const strategy = ds.spec?.updateStrategy;
    const path = root('spec', 'updateStrategy');
    if (strategy?.type !== 'RollingUpdate' && strategy?.type !== 'OnDelete') errs.notSupported(path.child('type'), strategy?.type, ['OnDelete', 'RollingUpdate']);
    validateIntOrPercent(strategy?.rollingUpdate?.maxUnavailable, path.child('rollingUpdate', 'maxUnavailable'), errs);
    validateIntOrPercent(strategy?.rollingUpdate?.maxSurge, path.child('rollingUpdate', 'maxSurge'), errs);
    return errs;
  },
  validateUpdate: (ds, old) => validateSelectorImmutable(ds.spec, old.spec),
});

export const daemonSetStrategy = strategies.strategy;
export const daemonSetStatusStrategy = strategies.statusStrategy;
