import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../generic/resource.js';
import { leases } from './storage.js';
import { type Lease, leaseStrategy } from './strategy.js';

const ctx: RequestContext = { user: { name: 'kubelet', groups: [] }, namespace: 'kube-node-lease', dryRun: false };
const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

const lease = (spec: Lease['spec']): Lease => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'node-1', namespace: 'kube-node-lease', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec,
});

describe('leases strategy', () => {
  it('creates on PUT and requires a resourceVersion on update, as Kubernetes', () => {
    assert.equal(leaseStrategy.allowCreateOnUpdate, true);
    assert.equal(leaseStrategy.allowUnconditionalUpdate, false);
  });

  it('accepts a heartbeat lease', () => {
    const l = lease({ holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-01-01T00:00:10.123456Z' });
    leaseStrategy.prepareForCreate(l, ctx);
    assert.deepEqual(messages(leaseStrategy.validate(l, ctx)), []);
  });

  it('rejects bad durations and transitions', () => {
    assert.deepEqual(messages(leaseStrategy.validate(lease({ leaseDurationSeconds: 0, leaseTransitions: -1 }), ctx)), [
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
      'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('drops coordinated leader election fields (feature off by default)', () => {
    const l = lease({ holderIdentity: 'a', strategy: 'OldestEmulationVersion', preferredHolder: 'b' });
    leaseStrategy.prepareForCreate(l, ctx);
    assert.deepEqual(l.spec, { holderIdentity: 'a' });
  });

  it('prints the holder', () => {
    const now = Date.parse('2024-01-01T01:00:00Z');
    assert.deepEqual(leases.table!.cells(lease({ holderIdentity: 'node-1' }), now), ['node-1', '60m']);
    assert.deepEqual(leases.table!.cells(lease({}), now), ['', '60m']);
  });
});
