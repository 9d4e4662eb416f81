// coordination.k8s.io/v1 Leases: leader election and node heartbeats. Like Kubernetes, a PUT of
// a missing Lease creates it, and updates need a resourceVersion (leader election relies on it).
import { ErrorList, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { isQualifiedName } from '../../../../apimachinery/names.js';
import type { Strategy } from '../../generic/resource.js';
import { plainStrategy } from '../../generic/strategies.js';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** MicroTime, e.g. "2024-01-01T00:00:00.000000Z". */
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
  strategy?: string;
  preferredHolder?: string;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

const STRATEGIES = ['OldestEmulationVersion'];

export function validateLease(lease: Lease): ErrorList {
  const errs = new ErrorList();
  const spec = lease.spec ?? {};
  const path = root('spec');
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds <= 0) {
    errs.invalid(path.child('leaseDurationSeconds'), spec.leaseDurationSeconds, 'must be greater than 0');
  }
  if (spec.leaseTransitions !== undefined && spec.leaseTransitions < 0) {
    errs.invalid(path.child('leaseTransitions'), spec.leaseTransitions, 'must be greater than or equal to 0');
  }
  if (spec.strategy !== undefined) {
    const strategyPath = path.child('strategy').child('strategy');
    if (!spec.strategy.includes('/')) {
      if (!STRATEGIES.includes(spec.strategy)) errs.notSupported(strategyPath, spec.strategy, STRATEGIES);
    } else {
      for (const msg of isQualifiedName(spec.strategy)) errs.invalid(strategyPath, spec.strategy, msg);
    }
  }
  if (spec.preferredHolder && !spec.strategy) errs.forbidden(path.child('preferredHolder'), 'may only be specified if `strategy` is defined');
  return errs;
}

// CoordinatedLeaderElection is off by default in 1.32: its fields are dropped unless already set.
const dropCoordinatedFields = (lease: Lease, old: Lease | undefined): void => {
  if (!lease.spec) return;
  if (old?.spec?.strategy === undefined) delete lease.spec.strategy;
  if (old?.spec?.preferredHolder === undefined) delete lease.spec.preferredHolder;
};

const base = plainStrategy<Lease>({
  validate: validateLease,
  allowCreateOnUpdate: true,
  allowUnconditionalUpdate: false,
});

export const leaseStrategy: Strategy<Lease> = {
  ...base,
  prepareForCreate: (lease, ctx) => {
    base.prepareForCreate(lease, ctx);
    dropCoordinatedFields(lease, undefined);
  },
  prepareForUpdate: (lease, old, ctx) => {
    base.prepareForUpdate(lease, old, ctx);
    dropCoordinatedFields(lease, old);
  },
};
