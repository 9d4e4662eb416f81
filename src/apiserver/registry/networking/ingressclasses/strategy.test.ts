import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../generic/resource.js';
import { ingressclasses } from './storage.js';
import { type IngressClass, ingressClassStrategy } from './strategy.js';

const ctx: RequestContext = { user: { name: 'admin', groups: [] }, namespace: '', dryRun: false };
const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

const ingressClass = (spec: IngressClass['spec']): IngressClass => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'IngressClass',
  metadata: { name: 'nginx', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec,
});

describe('ingressclasses strategy', () => {
  it('defaults the parameters scope to Cluster', () => {
    const ic = ingressClass({ controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } });
    ingressClassStrategy.prepareForCreate(ic, ctx);
    assert.equal(ic.spec?.parameters?.scope, 'Cluster');
    assert.deepEqual(messages(ingressClassStrategy.validate(ic, ctx)), []);
  });

  it('requires a domain-prefixed controller', () => {
    assert.deepEqual(messages(ingressClassStrategy.validate(ingressClass({}), ctx)), ['spec.controller: Required value']);
    assert.deepEqual(messages(ingressClassStrategy.validate(ingressClass({ controller: 'nginx' }), ctx)), [
      'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
    ]);
  });

  it('checks namespace-scoped parameters', () => {
    const ic = ingressClass({ controller: 'example.com/ctl', parameters: { kind: 'P', name: 'p', scope: 'Namespace' } });
    assert.deepEqual(messages(ingressClassStrategy.validate(ic, ctx)), [
      "spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'",
    ]);
  });

  it('keeps the controller immutable', () => {
    const old = ingressClass({ controller: 'example.com/a' });
    const next = ingressClass({ controller: 'example.com/b' });
    assert.deepEqual(messages(ingressClassStrategy.validateUpdate(next, old, ctx)), ['spec.controller: Invalid value: "example.com/b": field is immutable']);
  });

  it('prints controller and parameters', () => {
    const now = Date.parse('2024-01-01T00:01:00Z');
    const ic = ingressClass({ controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'lb' } });
    assert.deepEqual(ingressclasses.table!.cells(ic, now), ['k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/lb', '60s']);
    assert.deepEqual(ingressclasses.table!.cells(ingressClass({ controller: 'a.io/b' }), now), ['a.io/b', '<none>', '60s']);
  });
});
