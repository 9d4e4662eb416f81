// Deployment and Pod bodies encoded as a Go client would (zero values of non-pointer fields included)
// decode to the JSON Go would print: zero non-pointers dropped, pointer zeros kept, value types converted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeKubernetesProtobuf } from './decode.js';
import { encodeKubernetesProtobuf, PKG } from './testing.js';

const emptyMeta = { name: '', generateName: '', namespace: '', selfLink: '', uid: '', resourceVersion: '', generation: 0, creationTimestamp: {} };
const zeroProbe = { initialDelaySeconds: 0, timeoutSeconds: 0, periodSeconds: 0, successThreshold: 0, failureThreshold: 0 };

const container = {
  name: 'app',
  image: 'nginx:1.27',
  command: ['/bin/sh', '-c'],
  args: ['exec nginx', ''],
  workingDir: '',
  ports: [{ name: 'http', hostPort: 0, containerPort: 80, protocol: 'TCP', hostIP: '' }],
  env: [
    { name: 'A', value: '1' },
    { name: 'EMPTY', value: '' },
    { name: 'PASS', value: '', valueFrom: { secretKeyRef: { localObjectReference: { name: 's' }, key: 'password', optional: false } } },
    { name: 'CPU', value: '', valueFrom: { resourceFieldRef: { containerName: '', resource: 'limits.cpu', divisor: { string: '1m' } } } },
  ],
  envFrom: [{ prefix: '', configMapRef: { localObjectReference: { name: 'cfg' } } }],
  resources: { limits: { cpu: { string: '500m' }, memory: { string: '128Mi' } }, requests: { cpu: { string: '250m' } } },
  volumeMounts: [
    { name: 'data', readOnly: false, mountPath: '/data', subPath: '', subPathExpr: '' },
    { name: 'cfg', readOnly: true, mountPath: '/etc/cfg', subPath: '', subPathExpr: '' },
  ],
  livenessProbe: { handler: { httpGet: { path: '/healthz', port: { type: 0, intVal: 8080, strVal: '' }, host: '', scheme: 'HTTP' } }, ...zeroProbe, periodSeconds: 10, failureThreshold: 3 },
  readinessProbe: { handler: { tcpSocket: { port: { type: 1, intVal: 0, strVal: 'http' }, host: '' } }, ...zeroProbe },
  startupProbe: { handler: { exec: { command: ['cat', '/tmp/ready'] } }, ...zeroProbe, terminationGracePeriodSeconds: 0 },
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  imagePullPolicy: 'IfNotPresent',
  securityContext: { runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
  stdin: false,
  stdinOnce: false,
  tty: false,
};

const podSpec = {
  volumes: [
    { name: 'data', volumeSource: { emptyDir: { medium: '', sizeLimit: { string: '1Gi' } } } },
    { name: 'cfg', volumeSource: { configMap: { localObjectReference: { name: 'cfg' }, items: [{ key: 'a', path: 'a.txt', mode: 0o400 }], defaultMode: 420, optional: false } } },
    { name: 'sec', volumeSource: { secret: { secretName: 's', defaultMode: 0 } } },
    { name: 'host', volumeSource: { hostPath: { path: '/var/log', type: '' } } },
    { name: 'claim', volumeSource: { persistentVolumeClaim: { claimName: 'pvc', readOnly: false } } },
    {
      name: 'proj',
      volumeSource: {
        projected: {
          sources: [
            { serviceAccountToken: { audience: '', expirationSeconds: 3600, path: 'token' } },
            { downwardAPI: { items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }] } },
          ],
        },
      },
    },
  ],
  containers: [container],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  serviceAccountName: '',
  serviceAccount: '',
  nodeName: '',
  hostNetwork: false,
  hostPID: false,
  hostIPC: false,
  securityContext: { fsGroup: 2000, supplementalGroups: [1000, 3000] },
  hostname: '',
  subdomain: '',
  schedulerName: 'default-scheduler',
  tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', value: '', effect: 'NoExecute', tolerationSeconds: 300 }],
  affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } }] } },
  priorityClassName: '',
  enableServiceLinks: false,
};

const expectedContainer = {
  name: 'app',
  image: 'nginx:1.27',
  command: ['/bin/sh', '-c'],
  args: ['exec nginx', ''],
  ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
  env: [
    { name: 'A', value: '1' },
    { name: 'EMPTY' },
    { name: 'PASS', valueFrom: { secretKeyRef: { name: 's', key: 'password', optional: false } } },
    { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
  ],
  envFrom: [{ configMapRef: { name: 'cfg' } }],
  resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '250m' } },
  volumeMounts: [
    { name: 'data', mountPath: '/data' },
    { name: 'cfg', readOnly: true, mountPath: '/etc/cfg' },
  ],
  livenessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 10, failureThreshold: 3 },
  readinessProbe: { tcpSocket: { port: 'http' } },
  startupProbe: { exec: { command: ['cat', '/tmp/ready'] }, terminationGracePeriodSeconds: 0 },
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  imagePullPolicy: 'IfNotPresent',
  securityContext: { runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
};

const expectedPodSpec = {
  volumes: [
    { name: 'data', emptyDir: { sizeLimit: '1Gi' } },
    { name: 'cfg', configMap: { name: 'cfg', items: [{ key: 'a', path: 'a.txt', mode: 256 }], defaultMode: 420, optional: false } },
    { name: 'sec', secret: { secretName: 's', defaultMode: 0 } },
    { name: 'host', hostPath: { path: '/var/log', type: '' } },
    { name: 'claim', persistentVolumeClaim: { claimName: 'pvc' } },
    {
      name: 'proj',
      projected: {
        sources: [
          { serviceAccountToken: { expirationSeconds: 3600, path: 'token' } },
          { downwardAPI: { items: [{ path: 'labels', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.labels' } }] } },
        ],
      },
    },
  ],
  containers: [expectedContainer],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  dnsPolicy: 'ClusterFirst',
  securityContext: { fsGroup: 2000, supplementalGroups: [1000, 3000] },
  schedulerName: 'default-scheduler',
  tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
  affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } }] } },
  enableServiceLinks: false,
};

describe('decodeKubernetesProtobuf: Deployment', () => {
  const body = encodeKubernetesProtobuf('apps/v1', 'Deployment', `${PKG.apps}.Deployment`, {
    metadata: { ...emptyMeta, name: 'web', namespace: 'prod', labels: { app: 'web' }, annotations: { note: '' } },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe'] }] },
      template: { metadata: { ...emptyMeta, labels: { app: 'web' } }, spec: podSpec },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: { type: 0, intVal: 0, strVal: '' }, maxSurge: { type: 1, intVal: 0, strVal: '25%' } } },
      minReadySeconds: 0,
      revisionHistoryLimit: 10,
      paused: false,
      progressDeadlineSeconds: 600,
    },
    status: { observedGeneration: 0, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 0 },
  });
  const decoded = decodeKubernetesProtobuf(body);

  it('reports apiVersion and kind and sets them on the object', () => {
    assert.equal(decoded.apiVersion, 'apps/v1');
    assert.equal(decoded.kind, 'Deployment');
    assert.equal(decoded.object.apiVersion, 'apps/v1');
    assert.equal(decoded.object.kind, 'Deployment');
  });

  it('converts the whole object to the JSON Go would print', () => {
    assert.deepEqual(decoded.object, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'prod', labels: { app: 'web' }, annotations: { note: '' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe'] }] },
        template: { metadata: { labels: { app: 'web' } }, spec: expectedPodSpec },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: {},
    });
  });

  it('leaves out spec.replicas when the client did not set it (nil pointer)', () => {
    const unset = encodeKubernetesProtobuf('apps/v1', 'Deployment', `${PKG.apps}.Deployment`, {
      metadata: { ...emptyMeta, name: 'web' },
      spec: { selector: { matchLabels: { app: 'web' } }, minReadySeconds: 0, paused: false },
    });
    assert.deepEqual(decodeKubernetesProtobuf(unset).object.spec, { selector: { matchLabels: { app: 'web' } } });
  });
});

describe('decodeKubernetesProtobuf: Pod', () => {
  it('inlines ephemeral containers, converts times, int64s, owner references and managed fields', () => {
    const body = encodeKubernetesProtobuf('v1', 'Pod', `${PKG.core}.Pod`, {
      metadata: {
        ...emptyMeta,
        name: 'p',
        namespace: 'default',
        uid: '6f1c',
        generation: 3,
        creationTimestamp: { seconds: 1700000000, nanos: 0 },
        deletionTimestamp: { seconds: 1700000030, nanos: 123 },
        deletionGracePeriodSeconds: 0,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'abc', controller: true, blockOwnerDeletion: false }],
        finalizers: ['kite.io/x'],
        managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: { seconds: 1700000000 }, fieldsType: 'FieldsV1', fieldsV1: { Raw: Buffer.from('{"f:metadata":{}}') }, subresource: '' }],
      },
      spec: {
        containers: [{ name: 'c', image: 'busybox' }],
        ephemeralContainers: [{ ephemeralContainerCommon: { name: 'debug', image: 'busybox', stdin: true, tty: false }, targetContainerName: 'c' }],
        nodeName: 'node-1',
        priority: 0,
      },
      status: { phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }], startTime: { seconds: 1700000001 }, conditions: [{ type: 'Ready', status: 'True', lastProbeTime: {}, lastTransitionTime: { seconds: 1700000002 }, reason: '', message: '' }] },
    });
    assert.deepEqual(decodeKubernetesProtobuf(body).object, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        namespace: 'default',
        uid: '6f1c',
        generation: 3,
        creationTimestamp: '2023-11-14T22:13:20Z',
        deletionTimestamp: '2023-11-14T22:13:50Z',
        deletionGracePeriodSeconds: 0,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'abc', controller: true, blockOwnerDeletion: false }],
        finalizers: ['kite.io/x'],
        managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2023-11-14T22:13:20Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } }],
      },
      spec: {
        containers: [{ name: 'c', image: 'busybox' }],
        ephemeralContainers: [{ name: 'debug', image: 'busybox', stdin: true, targetContainerName: 'c' }],
        nodeName: 'node-1',
        priority: 0,
      },
      status: { phase: 'Running', podIP: '10.0.0.5', podIPs: [{ ip: '10.0.0.5' }], startTime: '2023-11-14T22:13:21Z', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2023-11-14T22:13:22Z' }] },
    });
  });
});
