import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../generic/resource.js';
import { formatIngressHosts, ingresses } from './storage.js';
import { type Ingress, ingressStatusStrategy, ingressStrategy } from './strategy.js';

const ctx: RequestContext = { user: { name: 'admin', groups: [] }, namespace: 'default', dryRun: false };
const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

const ingress = (spec: Ingress['spec']): Ingress => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec,
});

const rule = (host: string | undefined, path = '/', pathType = 'Prefix') => ({
  host,
  http: { paths: [{ path, pathType, backend: { service: { name: 'web', port: { number: 80 } } } }] },
});

describe('ingresses strategy', () => {
  it('accepts a simple ingress and sets generation', () => {
    const ing = ingress({ ingressClassName: 'nginx', rules: [rule('example.com')] });
    ingressStrategy.prepareForCreate(ing, ctx);
    assert.equal(ing.metadata.generation, 1);
    assert.deepEqual(messages(ingressStrategy.validate(ing, ctx)), []);
  });

  it('requires rules or a default backend', () => {
    assert.deepEqual(messages(ingressStrategy.validate(ingress({}), ctx)), [
      'spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified',
    ]);
  });

  it('validates paths, path types and backends', () => {
    const ing = ingress({
      rules: [
        { host: '10.0.0.1', http: { paths: [{ path: 'api', pathType: 'Exact', backend: { service: { name: 'api', port: {} } } }] } },
        { http: { paths: [{ path: '/', pathType: 'Regex', backend: { service: { name: 'x', port: { name: 'http', number: 80 } } } }] } },
        { http: { paths: [{ path: '/a//b', backend: {} }] } },
      ],
    });
    assert.deepEqual(messages(ingressStrategy.validate(ing, ctx)), [
      'spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
      'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path',
      'spec.rules[0].http.paths[0].backend: Required value: port name or number is required',
      'spec.rules[1].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"',
      'spec.rules[1].http.paths[0].backend: Invalid value: "": cannot set both port name & port number',
      'spec.rules[2].http.paths[0].pathType: Required value: pathType must be specified',
    ]);
  });

  it('checks the class annotation against ingressClassName', () => {
    const ing = ingress({ ingressClassName: 'nginx', rules: [rule('a.example.com')] });
    ing.metadata.annotations = { 'kubernetes.io/ingress.class': 'traefik' };
    assert.deepEqual(messages(ingressStrategy.validate(ing, ctx)), [
      'annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified',
    ]);
  });

  it('validates wildcard hosts and TLS secrets', () => {
    const ing = ingress({ rules: [rule('*.example.com'), rule('a.*.com')], tls: [{ hosts: ['*.example.com'], secretName: 'Bad' }] });
    const errs = messages(ingressStrategy.validate(ing, ctx));
    assert.equal(errs.length, 2);
    assert.match(errs[0]!, /^spec\.rules\[1\]\.host: Invalid value: "a\.\*\.com": a wildcard DNS-1123 subdomain must start with '\*\.'/);
    assert.match(errs[1]!, /^spec\.tls\[0\]\.secretName: Invalid value: "Bad": a lowercase RFC 1123 subdomain/);
  });

  it('validates the load balancer status on /status and keeps the spec', () => {
    const old = ingress({ rules: [rule('a.example.com')] });
    const next = structuredClone(old);
    next.spec = { rules: [] };
    next.status = { loadBalancer: { ingress: [{ ip: '10.0.0.300' }, { hostname: '1.2.3.4' }] } };
    ingressStatusStrategy.prepareForUpdate(next, old, ctx);
    assert.deepEqual(next.spec, old.spec);
    assert.deepEqual(messages(ingressStatusStrategy.validateUpdate(next, old, ctx)), [
      'status.loadBalancer.ingress[0].ip: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'status.loadBalancer.ingress[1].hostname: Invalid value: "1.2.3.4": must be a DNS name, not an IP address',
    ]);
  });
});

describe('ingresses table', () => {
  it('prints class, hosts, address and ports like kubectl', () => {
    const ing = ingress({ ingressClassName: 'nginx', rules: [rule('a.com'), rule(undefined), rule('b.com'), rule('c.com'), rule('d.com')], tls: [{ hosts: ['a.com'] }] });
    ing.status = { loadBalancer: { ingress: [{ ip: '192.168.1.10' }, { hostname: 'lb.example.com' }, { ip: '192.168.1.10' }] } };
    const now = Date.parse('2024-01-02T00:00:00Z');
    assert.deepEqual(ingresses.table!.cells(ing, now), ['nginx', 'a.com,b.com,c.com + 2 more...', '192.168.1.10,lb.example.com', '80, 443', '24h']);
    assert.equal(formatIngressHosts(ingress({ defaultBackend: {} })), '*');
    assert.deepEqual(ingresses.table!.cells(ingress({ rules: [rule('a.com')] }), now).slice(0, 4), ['<none>', 'a.com', '', '80']);
  });
});
