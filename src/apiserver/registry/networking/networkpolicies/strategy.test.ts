import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../generic/resource.js';
import { networkpolicies } from './storage.js';
import { type NetworkPolicy, networkPolicyStrategy } from './strategy.js';

const ctx: RequestContext = { user: { name: 'admin', groups: [] }, namespace: 'default', dryRun: false };
const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

const policy = (spec: NetworkPolicy['spec']): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'deny', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec,
});

describe('networkpolicies strategy', () => {
  it('defaults policyTypes and port protocols', () => {
    const ingressOnly = policy({ podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] });
    networkPolicyStrategy.prepareForCreate(ingressOnly, ctx);
    assert.deepEqual(ingressOnly.spec?.policyTypes, ['Ingress']);
    assert.equal(ingressOnly.spec?.ingress?.[0]?.ports?.[0]?.protocol, 'TCP');
    const both = policy({ podSelector: {}, egress: [{}] });
    networkPolicyStrategy.prepareForCreate(both, ctx);
    assert.deepEqual(both.spec?.policyTypes, ['Ingress', 'Egress']);
    assert.deepEqual(messages(networkPolicyStrategy.validate(both, ctx)), []);
  });

  it('validates ports, peers and ipBlocks', () => {
    const np = policy({
      podSelector: { matchLabels: { app: 'db' } },
      ingress: [
        {
          ports: [{ port: 8080, endPort: 80 }, { port: 'http', endPort: 90 }, { protocol: 'ICMP' }],
          from: [{}, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16', '192.168.0.0/24'] }, podSelector: {} }],
        },
      ],
    });
    assert.deepEqual(messages(networkPolicyStrategy.validate(np, ctx)), [
      'spec.ingress[0].ports[0].endPort: Invalid value: 8080: must be greater than or equal to `port`',
      'spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
      'spec.ingress[0].ports[2].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      'spec.ingress[0].from[0]: Required value: must specify a peer',
      'spec.ingress[0].from[1].ipBlock.except[1]: Invalid value: "192.168.0.0/24": must be a strict subset of `cidr`',
      'spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer',
    ]);
  });

  it('rejects bad CIDRs and policy types', () => {
    const np = policy({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/33' } }] }], policyTypes: ['Egress', 'Sideways'] });
    assert.deepEqual(messages(networkPolicyStrategy.validate(np, ctx)), [
      'spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
    ]);
  });

  it('prints the pod selector', () => {
    const now = Date.parse('2024-01-01T00:00:05Z');
    assert.deepEqual(networkpolicies.table!.cells(policy({ podSelector: {} }), now), ['<none>', '5s']);
    assert.deepEqual(networkpolicies.table!.cells(policy({ podSelector: { matchLabels: { app: 'db' } } }), now), ['app=db', '5s']);
  });
});
