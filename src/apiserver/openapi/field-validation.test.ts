import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findUnknownFields, strictDecodingMessage, unknownFieldMessages } from './field-validation.js';

const podSpec = () => ({
  serviceAccountName: 'web',
  terminationGracePeriodSeconds: 30,
  securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 2000, seccompProfile: { type: 'RuntimeDefault' } },
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
  affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [
    { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } },
  ] } },
  initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'true'] }],
  containers: [{
    name: 'web',
    image: 'nginx:1.27',
    imagePullPolicy: 'IfNotPresent',
    args: ['--port', '8080'],
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    env: [
      { name: 'MODE', value: 'prod' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password', optional: true } } },
    ],
    envFrom: [{ configMapRef: { name: 'web-config' } }],
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: 1, memory: '128Mi' } },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X-Probe', value: '1' }] }, initialDelaySeconds: 5, periodSeconds: 10 },
    readinessProbe: { tcpSocket: { port: 8080 }, failureThreshold: 3 },
    startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, timeoutSeconds: 2 },
    lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } },
    volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'config', mountPath: '/etc/web', readOnly: true }],
  }],
  volumes: [
    { name: 'data', persistentVolumeClaim: { claimName: 'web-data' } },
    { name: 'config', configMap: { name: 'web-config', items: [{ key: 'a', path: 'a.conf' }], defaultMode: 420 } },
    { name: 'secret', secret: { secretName: 'tls' } },
    { name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
    { name: 'host', hostPath: { path: '/var/log', type: 'Directory' } },
    { name: 'projected', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }, { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }] } },
  ],
});

const metadata = () => ({
  name: 'web',
  namespace: 'default',
  labels: { app: 'web', 'app.kubernetes.io/part-of': 'shop' },
  annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
  uid: '6d1c2a3e-0000-4000-8000-000000000001',
  resourceVersion: '42',
  generation: 3,
  creationTimestamp: '2025-01-01T00:00:00Z',
  finalizers: ['example.com/cleanup'],
  ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u', controller: true, blockOwnerDeletion: true }],
  managedFields: [{
    manager: 'kubectl', operation: 'Apply', apiVersion: 'apps/v1', time: '2025-01-01T00:00:00Z', fieldsType: 'FieldsV1',
    fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:template': { 'f:spec': { 'k:{"name":"web"}': { '.': {} } } } } },
  }],
});

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: metadata(),
  spec: {
    replicas: 3,
    revisionHistoryLimit: 5,
    selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['front'] }] },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    template: { metadata: { labels: { app: 'web' } }, spec: podSpec() },
  },
  status: { replicas: 3, readyReplicas: 3, conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2025-01-01T00:00:00Z' }] },
});

test('a full valid Deployment has no unknown fields', () => {
  assert.deepEqual(findUnknownFields('apps', 'v1', 'Deployment', deployment()), []);
});

test('a Service with named and numeric target ports has no unknown fields', () => {
  const service = {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      type: 'LoadBalancer', selector: { app: 'web' }, clusterIP: '10.0.0.10', clusterIPs: ['10.0.0.10'], ipFamilies: ['IPv4'],
      sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }, { name: 'https', port: 443, targetPort: 8443, nodePort: 30443 }],
    },
    status: { loadBalancer: { ingress: [{ ip: '192.0.2.1', ports: [{ port: 80, protocol: 'TCP' }] }] } },
  };
  assert.deepEqual(findUnknownFields('', 'v1', 'Service', service), []);
});

test('a Pod with probes, volumes and security contexts has no unknown fields', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: metadata(), spec: podSpec(),
    status: { phase: 'Running', podIP: '10.1.0.5', containerStatuses: [{ name: 'web', ready: true, restartCount: 0, image: 'nginx', imageID: 'x', state: { running: { startedAt: '2025-01-01T00:00:00Z' } } }] } };
  assert.deepEqual(findUnknownFields('', 'v1', 'Pod', pod), []);
});

test('finds misspelt fields with upstream-style paths', () => {
  const d = deployment() as ReturnType<typeof deployment> & { spec: Record<string, unknown> };
  d.spec.replicass = 2;
  (d.spec.template.spec.containers[0] as Record<string, unknown>).imagee = 'nginx';
  (d.spec.template.spec.volumes[1]!.configMap as Record<string, unknown>).nmae = 'x';
  // Document order: `replicass` was added after `template`.
  assert.deepEqual(findUnknownFields('apps', 'v1', 'Deployment', d), [
    '.spec.template.spec.containers[0].imagee',
    '.spec.template.spec.volumes[1].configMap.nmae',
    '.spec.replicass',
  ]);
});

test('top-level, case-mismatched and nested-in-unknown fields', () => {
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', Labels: { a: 'b' } }, data: { any: 'key' }, extra: { deep: { er: 1 } } };
  assert.deepEqual(findUnknownFields('', 'v1', 'ConfigMap', obj), ['.metadata.Labels', '.extra']);
});

test('preserve-unknown-fields subtrees, maps and int-or-string values are not inspected as structs', () => {
  const obj = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', managedFields: [{ fieldsV1: { 'f:data': { 'f:anything': {} } } }] },
    data: { 'tls.crt': 'AAAA' }, stringData: { 'x.y': 'z' }, type: 'kubernetes.io/tls' };
  assert.deepEqual(findUnknownFields('', 'v1', 'Secret', obj), []);
  const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p' }, spec: { minAvailable: '50%', maxUnavailable: 1 } };
  assert.deepEqual(findUnknownFields('policy', 'v1', 'PodDisruptionBudget', pdb), []);
});

test('unknown kinds and non-objects yield no findings; findings stop at 100', () => {
  assert.deepEqual(findUnknownFields('example.com', 'v1', 'Widget', { spec: { anything: 1 } }), []);
  assert.deepEqual(findUnknownFields('apps', 'v1', 'Deployment', 'text'), []);
  const many = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`f${i}`, i]));
  const found = findUnknownFields('apps', 'v1', 'Deployment', { spec: many });
  assert.equal(found.length, 100);
  assert.equal(found[0], '.spec.f0');
});

test('messages match upstream wording for Strict and Warn', () => {
  const paths = ['.spec.replicass', '.spec.template.spec.containers[0].imagee'];
  assert.equal(strictDecodingMessage(paths),
    'strict decoding error: unknown field "spec.replicass", unknown field "spec.template.spec.containers[0].imagee"');
  assert.equal(strictDecodingMessage(['.spec.replicass'], { kind: 'Deployment', version: 'v1' }),
    'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.replicass"');
  assert.deepEqual(unknownFieldMessages(['.metadata.annotations\n"x"']), ['unknown field "metadata.annotations\\n\\"x\\""']);
});
