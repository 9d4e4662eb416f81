import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../generic/resource.js';
import { poddisruptionbudgets } from './storage.js';
import { type PodDisruptionBudget, pdbStatusStrategy, pdbStrategy } from './strategy.js';

const ctx: RequestContext = { user: { name: 'admin', groups: [] }, namespace: 'default', dryRun: false };
const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

const pdb = (spec: PodDisruptionBudget['spec']): PodDisruptionBudget => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec,
});

describe('poddisruptionbudgets strategy', () => {
  it('accepts minAvailable or maxUnavailable, as a count or a percentage', () => {
    for (const spec of [{ minAvailable: 2 }, { maxUnavailable: '25%' }]) {
      const p = pdb({ ...spec, selector: { matchLabels: { app: 'web' } } });
      pdbStrategy.prepareForCreate(p, ctx);
      assert.equal(p.metadata.generation, 1);
      assert.deepEqual(messages(pdbStrategy.validate(p, ctx)), []);
    }
  });

  it('rejects both set, bad percentages and negative counts', () => {
    assert.deepEqual(messages(pdbStrategy.validate(pdb({ minAvailable: 1, maxUnavailable: 1 }), ctx)), [
      'spec: Invalid value: {"minAvailable":1,"maxUnavailable":1}: minAvailable and maxUnavailable cannot be both set',
    ]);
    assert.deepEqual(messages(pdbStrategy.validate(pdb({ minAvailable: '150%' }), ctx)), ['spec.minAvailable: Invalid value: "150%": must not be greater than 100%']);
    assert.deepEqual(messages(pdbStrategy.validate(pdb({ maxUnavailable: -1 }), ctx)), ['spec.maxUnavailable: Invalid value: -1: must be greater than or equal to 0']);
    const [msg] = messages(pdbStrategy.validate(pdb({ minAvailable: 'half' }), ctx));
    assert.match(msg!, /^spec\.minAvailable: Invalid value: "half": a valid percent string must be a numeric string followed by an ending '%'/);
  });

  it('checks the unhealthy pod eviction policy', () => {
    assert.deepEqual(messages(pdbStrategy.validate(pdb({ minAvailable: 1, unhealthyPodEvictionPolicy: 'Never' }), ctx)), [
      'spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"',
    ]);
  });

  it('lets the spec change (policy/v1) and bumps the generation', () => {
    const old = pdb({ minAvailable: 1 });
    pdbStrategy.prepareForCreate(old, ctx);
    const next = structuredClone(old);
    next.spec = { minAvailable: 2 };
    pdbStrategy.prepareForUpdate(next, old, ctx);
    assert.equal(next.metadata.generation, 2);
    assert.deepEqual(messages(pdbStrategy.validateUpdate(next, old, ctx)), []);
  });

  it('validates status counters', () => {
    const old = pdb({ minAvailable: 1 });
    const next = structuredClone(old);
    next.status = { disruptionsAllowed: -1, currentHealthy: 2, desiredHealthy: 1, expectedPods: 2 };
    pdbStatusStrategy.prepareForUpdate(next, old, ctx);
    assert.deepEqual(messages(pdbStatusStrategy.validateUpdate(next, old, ctx)), ['status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0']);
  });
});

describe('poddisruptionbudgets table', () => {
  it('prints N/A for the unset bound', () => {
    const p = pdb({ minAvailable: '50%' });
    p.status = { disruptionsAllowed: 1 };
    assert.deepEqual(poddisruptionbudgets.table!.columns.map((c) => c.name), ['Min Available', 'Max Unavailable', 'Allowed Disruptions', 'Age']);
    assert.deepEqual(poddisruptionbudgets.table!.cells(p, Date.parse('2024-01-03T00:00:00Z')), ['50%', 'N/A', 1, '2d']);
  });
});
