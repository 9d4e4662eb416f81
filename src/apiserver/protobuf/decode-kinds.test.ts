// One body per kind kubectl 1.32 sends as protobuf (and the review/option kinds), encoded as a Go
// client would, checked against the JSON Go would print for the same object.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeKubernetesProtobuf } from './decode.js';
import { encodeKubernetesProtobuf, PKG } from './testing.js';

const meta = (name: string, namespace = '') => ({ name, generateName: '', namespace, selfLink: '', uid: '', resourceVersion: '', generation: 0, creationTimestamp: {} });
const decode = (apiVersion: string, kind: string, typeName: string, object: Record<string, unknown>) =>
  decodeKubernetesProtobuf(encodeKubernetesProtobuf(apiVersion, kind, typeName, object)).object;

describe('decodeKubernetesProtobuf: core/v1 kinds', () => {
  it('Secret: bytes become base64, empty values stay, pointer immutable=false stays', () => {
    const object = decode('v1', 'Secret', `${PKG.core}.Secret`, {
      metadata: meta('s', 'default'),
      data: { a: Buffer.from('b'), empty: Buffer.alloc(0), bin: Buffer.from([0, 255, 1]) },
      type: 'Opaque',
      immutable: false,
    });
    assert.deepEqual(object, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'default' },
      data: { a: 'Yg==', empty: '', bin: 'AP8B' },
      type: 'Opaque',
      immutable: false,
    });
  });

  it('ConfigMap: data and binaryData maps', () => {
    const object = decode('v1', 'ConfigMap', `${PKG.core}.ConfigMap`, {
      metadata: meta('cm'),
      data: { 'app.conf': 'x=1\n', blank: '' },
      binaryData: { logo: Buffer.from('PNG') },
    });
    assert.deepEqual(object, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { 'app.conf': 'x=1\n', blank: '' }, binaryData: { logo: 'UE5H' } });
  });

  it('Namespace: empty spec and status stay as {}', () => {
    const object = decode('v1', 'Namespace', `${PKG.core}.Namespace`, { metadata: meta('x'), spec: {}, status: { phase: '' } });
    assert.deepEqual(object, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' }, spec: {}, status: {} });
  });

  it('Service: int and named targetPorts, zero targetPort/nodePort dropped, port kept', () => {
    const port = (name: string, p: number, target: Record<string, unknown>) => ({ name, protocol: 'TCP', port: p, targetPort: target, nodePort: 0 });
    const object = decode('v1', 'Service', `${PKG.core}.Service`, {
      metadata: meta('svc', 'default'),
      spec: {
        ports: [port('http', 80, { type: 0, intVal: 8080, strVal: '' }), port('web', 81, { type: 1, intVal: 0, strVal: 'web' }), port('plain', 82, { type: 0, intVal: 0, strVal: '' })],
        selector: { app: 'web' },
        clusterIP: '',
        type: 'ClusterIP',
        sessionAffinity: '',
        externalTrafficPolicy: '',
        healthCheckNodePort: 0,
        publishNotReadyAddresses: false,
        internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: {} },
    });
    assert.deepEqual(object, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc', namespace: 'default' },
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 },
          { name: 'web', protocol: 'TCP', port: 81, targetPort: 'web' },
          { name: 'plain', protocol: 'TCP', port: 82 },
        ],
        selector: { app: 'web' },
        type: 'ClusterIP',
        internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: {} },
    });
  });

  it('ServiceAccount: pointer automount=false kept', () => {
    const object = decode('v1', 'ServiceAccount', `${PKG.core}.ServiceAccount`, {
      metadata: meta('sa', 'default'),
      imagePullSecrets: [{ name: 'reg' }],
      automountServiceAccountToken: false,
    });
    assert.deepEqual(object, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'sa', namespace: 'default' }, imagePullSecrets: [{ name: 'reg' }], automountServiceAccountToken: false });
  });
});

describe('decodeKubernetesProtobuf: batch/v1', () => {
  const template = { metadata: meta(''), spec: { containers: [{ name: 'c', image: 'busybox', command: ['date'] }], restartPolicy: 'Never' } };
  const expectedTemplate = { metadata: {}, spec: { containers: [{ name: 'c', image: 'busybox', command: ['date'] }], restartPolicy: 'Never' } };

  it('Job: pointer zeros (backoffLimit, suspend) kept', () => {
    const object = decode('batch/v1', 'Job', `${PKG.batch}.Job`, { metadata: meta('j', 'default'), spec: { backoffLimit: 0, suspend: false, completions: 3, template }, status: { active: 0, succeeded: 0, failed: 0 } });
    assert.deepEqual(object, { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default' }, spec: { backoffLimit: 0, suspend: false, completions: 3, template: expectedTemplate }, status: {} });
  });

  it('CronJob: job template nested', () => {
    const object = decode('batch/v1', 'CronJob', `${PKG.batch}.CronJob`, {
      metadata: meta('cj', 'default'),
      spec: { schedule: '*/5 * * * *', concurrencyPolicy: '', jobTemplate: { metadata: meta('cj'), spec: { template } }, successfulJobsHistoryLimit: 0 },
      status: {},
    });
    assert.deepEqual(object, {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'cj', namespace: 'default' },
      spec: { schedule: '*/5 * * * *', jobTemplate: { metadata: { name: 'cj' }, spec: { template: expectedTemplate } }, successfulJobsHistoryLimit: 0 },
      status: {},
    });
  });
});

describe('decodeKubernetesProtobuf: rbac.authorization.k8s.io/v1', () => {
  const rule = { verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: [], nonResourceURLs: [] };
  it('Role and ClusterRole: rules; empty lists dropped, "" list items kept', () => {
    assert.deepEqual(decode('rbac.authorization.k8s.io/v1', 'Role', `${PKG.rbac}.Role`, { metadata: meta('r', 'default'), rules: [rule] }), {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'r', namespace: 'default' },
      rules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }],
    });
    const cr = decode('rbac.authorization.k8s.io/v1', 'ClusterRole', `${PKG.rbac}.ClusterRole`, {
      metadata: meta('cr'),
      rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }],
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { 'rbac.kite.io/aggregate': 'true' } }] },
    });
    assert.deepEqual(cr.rules, [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }]);
    assert.deepEqual(cr.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { 'rbac.kite.io/aggregate': 'true' } }] });
  });

  it('RoleBinding and ClusterRoleBinding: non-omitempty roleRef/subject fields kept even when empty', () => {
    const subjects = [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice', namespace: '' }, { kind: 'ServiceAccount', apiGroup: '', name: 'sa', namespace: 'default' }];
    const expectedSubjects = [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'default' }];
    for (const kind of ['RoleBinding', 'ClusterRoleBinding']) {
      const object = decode('rbac.authorization.k8s.io/v1', kind, `${PKG.rbac}.${kind}`, { metadata: meta('b'), subjects, roleRef: { apiGroup: '', kind: 'Role', name: 'r' } });
      assert.deepEqual(object, { apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'b' }, subjects: expectedSubjects, roleRef: { apiGroup: '', kind: 'Role', name: 'r' } });
    }
  });
});

describe('decodeKubernetesProtobuf: reviews, scale, eviction, options', () => {
  it('SelfSubjectAccessReview: status.allowed=false kept (no omitempty)', () => {
    const object = decode('authorization.k8s.io/v1', 'SelfSubjectAccessReview', `${PKG.authorization}.SelfSubjectAccessReview`, {
      metadata: meta(''),
      spec: { resourceAttributes: { namespace: 'default', verb: 'create', group: '', version: '', resource: 'pods', subresource: '', name: '' } },
      status: { allowed: false, denied: false, reason: '', evaluationError: '' },
    });
    assert.deepEqual(object, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
      status: { allowed: false },
    });
  });

  it('SelfSubjectRulesReview and SubjectAccessReview (extra values become lists)', () => {
    const ssrr = decode('authorization.k8s.io/v1', 'SelfSubjectRulesReview', `${PKG.authorization}.SelfSubjectRulesReview`, { metadata: meta(''), spec: { namespace: 'team' }, status: { incomplete: false, evaluationError: '' } });
    assert.deepEqual(ssrr, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', metadata: {}, spec: { namespace: 'team' }, status: { incomplete: false } });
    const sar = decode('authorization.k8s.io/v1', 'SubjectAccessReview', `${PKG.authorization}.SubjectAccessReview`, {
      metadata: meta(''),
      spec: { nonResourceAttributes: { path: '/healthz', verb: 'get' }, user: 'bob', groups: ['devs'], extra: { scopes: { items: ['a', 'b'] } }, uid: '' },
    });
    assert.deepEqual(sar.spec, { nonResourceAttributes: { path: '/healthz', verb: 'get' }, user: 'bob', groups: ['devs'], extra: { scopes: ['a', 'b'] } });
  });

  it('Scale: spec.replicas=0 dropped (omitempty in autoscaling/v1), status.replicas=0 kept', () => {
    const object = decode('autoscaling/v1', 'Scale', `${PKG.autoscaling}.Scale`, { metadata: meta('web', 'default'), spec: { replicas: 0 }, status: { replicas: 0, selector: 'app=web' } });
    assert.deepEqual(object, { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'default' }, spec: {}, status: { replicas: 0, selector: 'app=web' } });
  });

  it('Eviction: delete options with gracePeriodSeconds=0 kept', () => {
    const object = decode('policy/v1', 'Eviction', `${PKG.policy}.Eviction`, { metadata: meta('p', 'default'), deleteOptions: { gracePeriodSeconds: 0, dryRun: ['All'], preconditions: { uid: 'u1' } } });
    assert.deepEqual(object, { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p', namespace: 'default' }, deleteOptions: { gracePeriodSeconds: 0, dryRun: ['All'], preconditions: { uid: 'u1' } } });
  });

  it('DeleteOptions decodes under any apiVersion', () => {
    for (const apiVersion of ['v1', 'meta.k8s.io/v1', 'apps/v1']) {
      const object = decode(apiVersion, 'DeleteOptions', `${PKG.meta}.DeleteOptions`, { propagationPolicy: 'Foreground', orphanDependents: false });
      assert.deepEqual(object, { apiVersion, kind: 'DeleteOptions', propagationPolicy: 'Foreground', orphanDependents: false });
    }
  });

  it('Ingress: inline rule value and pointer pathType', () => {
    const object = decode('networking.k8s.io/v1', 'Ingress', `${PKG.networking}.Ingress`, {
      metadata: meta('ing', 'default'),
      spec: { ingressClassName: 'nginx', rules: [{ host: 'example.com', ingressRuleValue: { http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'svc', port: { name: '', number: 80 } } } }] } } }] },
      status: { loadBalancer: {} },
    });
    assert.deepEqual(object.spec, { ingressClassName: 'nginx', rules: [{ host: 'example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend: { service: { name: 'svc', port: { number: 80 } } } }] } }] });
  });
});
