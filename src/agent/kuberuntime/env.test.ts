import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Container } from 'kubernetes-types/core/v1.js';
import { containerEnv } from './env.js';
import { CreateContainerConfigError, type PodEvent } from './errors.js';
import { b64, fakeContext, testPod } from './testing.js';

const ctx = () => fakeContext({
  configMaps: [{ metadata: { namespace: 'default', name: 'cfg' }, data: { MODE: 'fast', 'bad key': 'x', '1st': 'y', LEVEL: '3' } }],
  secrets: [{ metadata: { namespace: 'default', name: 'creds' }, data: { PASSWORD: b64('s3cret'), user: b64('admin') } }],
  services: [
    { metadata: { namespace: 'default', name: 'kubernetes' }, spec: { clusterIP: '10.43.0.1', ports: [{ name: 'https', port: 443, protocol: 'TCP' }] } },
    { metadata: { namespace: 'default', name: 'redis-main' }, spec: { clusterIP: '10.43.0.20', ports: [{ port: 6379 }, { name: 'metrics', port: 9121, protocol: 'TCP' }] } },
    { metadata: { namespace: 'default', name: 'headless' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } },
    { metadata: { namespace: 'other', name: 'elsewhere' }, spec: { clusterIP: '10.43.0.30', ports: [{ port: 80 }] } },
  ],
});

const envOf = async (c: Partial<Container>, podSpec = {}, events: PodEvent[] = [], podIPs = ['10.42.0.7']) =>
  containerEnv(testPod({ nodeName: 'node-1', serviceAccountName: 'robot', ...podSpec }, { labels: { app: 'web', tier: 'front' }, annotations: { a: 'say "hi"' } }),
    { name: 'app', image: 'busybox', ...c }, { context: ctx(), podIPs, hostIPs: ['192.168.0.5'], nodeAllocatable: { cpu: '4', memory: '8Gi' }, recordEvent: (e) => events.push(e) });

describe('containerEnv', () => {
  test('envFrom (prefix, invalid names skipped with an event) then env overriding, values from configMaps and secrets', async () => {
    const events: PodEvent[] = [];
    const env = await envOf({
      envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'creds' } }, { configMapRef: { name: 'cfg' } }],
      env: [
        { name: 'MODE', value: 'slow' },
        { name: 'GREETING', value: 'mode=$(MODE) pw=$(PASSWORD) $(NOPE) $$(MODE)' },
        { name: 'LVL', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'LEVEL' } } },
        { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'PASSWORD' } } },
      ],
    }, {}, events);
    assert.equal(env.get('CFG_MODE'), 'fast');
    assert.equal(env.get('CFG_1st'), 'y', 'a prefix can make a key valid');
    assert.equal(env.get('PASSWORD'), 's3cret');
    assert.equal(env.get('user'), 'admin');
    assert.equal(env.get('MODE'), 'slow');
    assert.equal(env.get('GREETING'), 'mode=slow pw=s3cret $(NOPE) $(MODE)');
    assert.equal(env.get('LVL'), '3');
    assert.equal(env.get('PW'), 's3cret');
    assert.deepEqual(events.map((e) => e.message), [
      'Keys [CFG_bad key] from the EnvFrom configMap default/cfg were skipped since they are considered invalid environment variable names.',
      'Keys [1st, bad key] from the EnvFrom configMap default/cfg were skipped since they are considered invalid environment variable names.',
    ]);
    assert.ok(events.every((e) => e.type === 'Warning' && e.reason === 'InvalidEnvironmentVariableNames'));
  });

  test('missing objects and keys fail with the kubelet\'s messages unless optional', async () => {
    const fails = async (c: Partial<Container>, message: string) =>
      assert.rejects(envOf(c), (err: Error) => err instanceof CreateContainerConfigError && err.message === message && err.reason === 'CreateContainerConfigError');
    await fails({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'NOPE' } } }] }, "couldn't find key NOPE in ConfigMap default/cfg");
    await fails({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'NOPE' } } }] }, "couldn't find key NOPE in Secret default/creds");
    await fails({ env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'x', key: 'k' } } }] }, 'secret "x" not found');
    await fails({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'gone', key: 'k' } } }] }, 'configmap "gone" not found');
    await fails({ envFrom: [{ secretRef: { name: 'gone' } }] }, 'secret "gone" not found');
    await fails({ env: [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.restartPolicy' } } }] }, 'unsupported fieldPath: spec.restartPolicy');

    const env = await envOf({
      envFrom: [{ configMapRef: { name: 'gone', optional: true } }],
      env: [
        { name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'NOPE', optional: true } } },
        { name: 'B', valueFrom: { secretKeyRef: { name: 'gone', key: 'k', optional: true } } },
        { name: 'C', value: 'kept' },
      ],
    });
    assert.deepEqual([env.has('A'), env.has('B'), env.get('C')], [false, false, 'kept']);
  });

  test('downward API fields and resources (limits default to node allocatable, divisors round up)', async () => {
    const env = await envOf({
      resources: { requests: { cpu: '250m', memory: '100Mi' }, limits: { memory: '1Gi' } },
      env: [
        { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'LABELS', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } },
        { name: 'ANN', valueFrom: { fieldRef: { fieldPath: 'metadata.annotations' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'POD_IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
        { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'CPU_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.cpu' } } },
        { name: 'CPU_REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
        { name: 'CPU_LIM', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'MEM_LIM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'MEM_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
      ],
    });
    const pick = (k: string) => env.get(k);
    assert.equal(pick('NAME'), 'web');
    assert.equal(pick('NS'), 'default');
    assert.equal(pick('UID'), '11111111-2222-3333-4444-555555555555');
    assert.equal(pick('APP'), 'web');
    assert.equal(pick('LABELS'), 'app="web"\ntier="front"');
    assert.equal(pick('ANN'), 'a="say \\"hi\\""');
    assert.equal(pick('NODE'), 'node-1');
    assert.equal(pick('SA'), 'robot');
    assert.equal(pick('POD_IP'), '10.42.0.7');
    assert.equal(pick('POD_IPS'), '10.42.0.7');
    assert.equal(pick('HOST_IP'), '192.168.0.5');
    assert.equal(pick('CPU_REQ'), '1');
    assert.equal(pick('CPU_REQ_M'), '250');
    assert.equal(pick('CPU_LIM'), '4');
    assert.equal(pick('MEM_LIM_MI'), '1024');
    assert.equal(pick('MEM_REQ'), String(100 * 1024 * 1024));
  });

  test('service variables: the namespace\'s services with a cluster IP, docker-link style; declared vars win', async () => {
    const env = await envOf({ env: [{ name: 'REDIS_MAIN_SERVICE_HOST', value: 'mine' }] });
    const svc = Object.fromEntries([...env].filter(([k]) => /^(KUBERNETES|REDIS_MAIN|HEADLESS|ELSEWHERE)_/.test(k)));
    assert.deepEqual(svc, {
      REDIS_MAIN_SERVICE_HOST: 'mine',
      KUBERNETES_SERVICE_HOST: '10.43.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.43.0.1:443',
      KUBERNETES_PORT_443_TCP: 'tcp://10.43.0.1:443',
      KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443',
      KUBERNETES_PORT_443_TCP_ADDR: '10.43.0.1',
      REDIS_MAIN_SERVICE_PORT: '6379',
      REDIS_MAIN_SERVICE_PORT_METRICS: '9121',
      REDIS_MAIN_PORT: 'tcp://10.43.0.20:6379',
      REDIS_MAIN_PORT_6379_TCP: 'tcp://10.43.0.20:6379',
      REDIS_MAIN_PORT_6379_TCP_PROTO: 'tcp',
      REDIS_MAIN_PORT_6379_TCP_PORT: '6379',
      REDIS_MAIN_PORT_6379_TCP_ADDR: '10.43.0.20',
      REDIS_MAIN_PORT_9121_TCP: 'tcp://10.43.0.20:9121',
      REDIS_MAIN_PORT_9121_TCP_PROTO: 'tcp',
      REDIS_MAIN_PORT_9121_TCP_PORT: '9121',
      REDIS_MAIN_PORT_9121_TCP_ADDR: '10.43.0.20',
    });
    const noLinks = await envOf({}, { enableServiceLinks: false });
    assert.equal(noLinks.get('KUBERNETES_SERVICE_HOST'), '10.43.0.1', 'the kubernetes service is always there');
    assert.equal(noLinks.has('REDIS_MAIN_SERVICE_HOST'), false);
  });

  test('a pod in another namespace sees default/kubernetes and its own services', async () => {
    const c = ctx();
    const env = await containerEnv(testPod({}, { namespace: 'other' }), { name: 'app' }, { context: c });
    assert.equal(env.get('KUBERNETES_SERVICE_HOST'), '10.43.0.1');
    assert.equal(env.get('ELSEWHERE_SERVICE_HOST'), '10.43.0.30');
    assert.equal(env.has('REDIS_MAIN_SERVICE_HOST'), false);
  });
});
