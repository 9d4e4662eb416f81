// StatefulSets: ordered, stably named pods (name-0, name-1, ...) with per-pod volume claims.
import { ErrorList, root } from '../../../../apimachinery/field.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import {
  type Condition,
  type Workload,
  type WorkloadSpec,
  defaultTemplate,
  validateSelectorImmutable,
  validateWorkloadSpec,
} from '../workload.js';

export interface StatefulSetSpec extends WorkloadSpec {
  serviceName?: string;
  podManagementPolicy?: 'OrderedReady' | 'Parallel';
  updateStrategy?: { type?: 'RollingUpdate' | 'OnDelete'; rollingUpdate?: { partition?: number; maxUnavailable?: number | string } };
  volumeClaimTemplates?: unknown[];
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string; whenScaled?: string };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  conditions?: Condition[];
}

export type StatefulSet = Workload<StatefulSetSpec, StatefulSetStatus>;

/** Everything but these spec fields is immutable on a StatefulSet (Kubernetes' rule). */
const MUTABLE_SPEC_FIELDS = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

const strategies = specStatusStrategy<StatefulSet>({
  defaults: (sts) => {
    const spec = (sts.spec ??= {});
    spec.replicas ??= 1;
    spec.podManagementPolicy ??= 'OrderedReady';
    spec.updateStrategy ??= {};
    spec.updateStrategy.type ??= 'RollingUpdate';
    if (spec.updateStrategy.type === 'RollingUpdate') {
      spec.updateStrategy.rollingUpdate ??= {};
      spec.updateStrategy.rollingUpdate.partition ??= 0;
    }
    spec.revisionHistoryLimit ??= 10;
    spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
    defaultTemplate(spec.template);
  },
  validate: (sts) => {
    const errs = new ErrorList();
    validateWorkloadSpec(sts.spec, errs, { requireRestartAlways: true });
    const policy = sts.spec?.podManagementPolicy;
    if (policy !== 'OrderedReady' && policy !== 'Parallel') errs.notSupported(root('spec', 'podManagementPolicy'), policy, ['OrderedReady', 'Parallel']);
    const type = sts.spec?.updateStrategy?.type;
    if (type !== 'RollingUpdate' && type !== 'OnDelete') errs.notSupported(root('spec', 'updateStrategy', 'type'), type, ['OnDelete', 'RollingUpdate']);
    return errs;
  },
  validateUpdate: (sts, old) => {
    const errs = validateSelectorImmutable(sts.spec, old.spec);
    const strip = (spec: StatefulSetSpec | undefined): string =>
      JSON.stringify(Object.fromEntries(Object.entries(spec ?? {}).filter(([k]) => !MUTABLE_SPEC_FIELDS.includes(k) && k !== 'selector')));
    if (strip(sts.spec) !== strip(old.spec)) {
      errs.forbidden(root('spec'), "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    }
    return errs;
  },
});

export const statefulSetStrategy = strategies.strategy;
export const statefulSetStatusStrategy = strategies.statusStrategy;
