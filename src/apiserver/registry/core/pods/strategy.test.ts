import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusError } from '../../../../apimachinery/errors.js';
import { root } from '../../../../apimachinery/field.js';
import { adminCtx, memoryRegistry } from '../test-helpers.js';
import { defaultPodSpec } from './podspec-defaults.js';
import { validatePodTemplateSpec } from './podspec-validation.js';
import { pods } from './storage.js';
import type { Pod } from './types.js';

const pod = (spec: Record<string, unknown>, name = 'p'): Pod =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec }) as unknown as Pod;

const messages = (p: Pod): string[] => {
  const clone = structuredClone(p);
  pods.strategy.prepareForCreate(clone, adminCtx());
  return pods.strategy.validate(clone, adminCtx()).items.map((e) => e.message);
};

async function createError(p: Pod): Promise<StatusError> {
  const { registry } = memoryRegistry(pods);
  return registry.create(adminCtx(), p).then(
    () => assert.fail('expected an error'),
    (err: StatusError) => err,
  );
}

test('PodSpec and container defaults match Kubernetes', () => {
  const spec = {
    containers: [
      { name: 'a', image: 'nginx', ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { port: 80 } } },
      { name: 'b', image: 'nginx:1.25' },
      { name: 'c', image: 'registry.local:5000/app@sha256:abc' },
    ],
    volumes: [{ name: 'scratch' }, { name: 's', secret: { secretName: 'x' } }],
  };
  defaultPodSpec(spec);
  const s = spec as unknown as Required<Pod>['spec'];
  assert.equal(s.restartPolicy, 'Always');
  assert.equal(s.dnsPolicy, 'ClusterFirst');
  assert.equal(s.terminationGracePeriodSeconds, 30);
  assert.equal(s.schedulerName, 'default-scheduler');
  assert.deepEqual(s.securityContext, {});
  const [a, b, c] = s.containers;
  assert.equal(a!.imagePullPolicy, 'Always');
  assert.equal(b!.imagePullPolicy, 'IfNotPresent');
  assert.equal(c!.imagePullPolicy, 'IfNotPresent');
  assert.equal(a!.terminationMessagePath, '/dev/termination-log');
  assert.equal(a!.terminationMessagePolicy, 'File');
  assert.equal(a!.ports![0]!.protocol, 'TCP');
  assert.deepEqual(a!.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  assert.deepEqual(s.volumes![0], { name: 'scratch', emptyDir: {} });
  assert.equal(s.volumes![1]!.secret!.defaultMode, 420);
  // enableServiceLinks is a Pod default, not a template default.
  assert.equal(s.enableServiceLinks, undefined);
});

test('create: status Pending with the QoS class; limits become requests', async () => {
  const { registry } = memoryRegistry(pods);
  const best = (await registry.create(adminCtx(), pod({ containers: [{ name: 'a', image: 'busybox' }] }, 'best'))) as Pod;
  assert.deepEqual(best.status, { phase: 'Pending', qosClass: 'BestEffort' });
  assert.equal(best.spec!.enableServiceLinks, true);
  const limits = { cpu: '500m', memory: '128Mi' };
  const guaranteed = (await registry.create(adminCtx(), pod({ containers: [{ name: 'a', image: 'busybox', resources: { limits } }] }, 'g'))) as Pod;
  assert.equal(guaranteed.status!.qosClass, 'Guaranteed');
  assert.deepEqual(guaranteed.spec!.containers[0]!.resources!.requests, limits);
  const host = (await registry.create(adminCtx(), pod({ hostNetwork: true, containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 8080 }] }] }, 'host'))) as Pod;
  assert.equal(host.spec!.containers[0]!.ports![0]!.hostPort, 8080);
  const template = { hostNetwork: true, containers: [{ name: 'a', image: 'x', ports: [{ containerPort: 8080 }] }] };
  defaultPodSpec(template);
  assert.equal((template.containers[0]!.ports[0] as { hostPort?: number }).hostPort, undefined);
  const burstable = (await registry.create(adminCtx(), pod({ containers: [{ name: 'a', image: 'busybox', resources: { requests: { cpu: '0.1' } } }] }, 'b'))) as Pod;
  assert.equal(burstable.status!.qosClass, 'Burstable');
  // Equal quantities in different notation still make Guaranteed.
  const mixed = { requests: { cpu: '0.5', memory: '134217728' }, limits };
  const g2 = (await registry.create(adminCtx(), pod({ containers: [{ name: 'a', image: 'busybox', resources: mixed }] }, 'g2'))) as Pod;
  assert.equal(g2.status!.qosClass, 'Guaranteed');
});

test('validation: containers, images, names, ports, env and the 422 message', async () => {
  assert.deepEqual(messages(pod({ containers: [] })), ['spec.containers: Required value']);
  const err = await createError(pod({ containers: [{ name: 'Web', image: '' }, { name: 'Web', image: 'x', ports: [{ containerPort: 70000, protocol: 'HTTP' }] }] }));
  assert.equal(err.status.code, 422);
  assert.equal(err.status.reason, 'Invalid');
  const text = err.status.message ?? '';
  assert.match(text, /^Pod "p" is invalid: \[/);
  assert.match(text, /spec\.containers\[0\]\.name: Invalid value: "Web": a lowercase RFC 1123 label must consist of/);
  assert.match(text, /spec\.containers\[0\]\.image: Required value/);
  assert.match(text, /spec\.containers\[1\]\.name: Duplicate value: "Web"/);
  assert.match(text, /spec\.containers\[1\]\.ports\[0\]\.containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive/);
  assert.match(text, /spec\.containers\[1\]\.ports\[0\]\.protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"/);

  const env = messages(pod({ containers: [{ name: 'a', image: 'x', env: [{ name: '1BAD', value: 'v' }, { name: 'OK', valueFrom: {} }] }] }));
  assert.ok(env.some((m) => m.startsWith('spec.containers[0].env[0].name: Invalid value: "1BAD": a valid environment variable name')), env.join('\n'));
  assert.ok(env.includes('spec.containers[0].env[1].valueFrom: Invalid value: "": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  const dupPorts = messages(pod({ containers: [{ name: 'a', image: 'x', ports: [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 81 }] }] }));
  assert.deepEqual(dupPorts, ['spec.containers[0].ports[1].name: Duplicate value: "http"']);
});

test('validation: resources, volumes, mounts, probes, policies', () => {
  const res = messages(pod({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '2', memory: 'lots' }, limits: { cpu: '1', gpu: '1' } } }] }));
  assert.ok(res.includes('spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'), res.join('\n'));
  assert.ok(res.includes('spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers'), res.join('\n'));
  assert.ok(res.some((m) => m.startsWith('spec.containers[0].resources.requests[memory]: Invalid value: "lots": quantities must match the regular expression')));
  assert.deepEqual(messages(pod({ containers: [{ name: 'a', image: 'x', resources: { requests: { cpu: '-1' } } }] })), [
    'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
  ]);

  const vols = messages(
    pod({
      volumes: [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }, { name: 'v', configMap: {} }],
      containers: [{ name: 'a', image: 'x', volumeMounts: [{ name: 'missing', mountPath: '/m' }, { name: 'v', mountPath: '/m' }] }],
    }),
  );
  assert.deepEqual(vols.sort(), [
    'spec.containers[0].volumeMounts[0].name: Not found: "missing"',
    'spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/m": must be unique',
    'spec.volumes[0].emptyDir: Forbidden: may not specify more than 1 volume type',
    'spec.volumes[1].configMap.name: Required value',
    'spec.volumes[1].name: Duplicate value: "v"',
  ]);

  const probes = messages(pod({ containers: [{ name: 'a', image: 'x', readinessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 } }, livenessProbe: {} }] }));
  assert.deepEqual(probes.sort(), [
    'spec.containers[0].livenessProbe: Required value: must specify a handler type',
    'spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
  ]);
  const policies = messages(pod({ restartPolicy: 'Sometimes', dnsPolicy: 'Custom', containers: [{ name: 'a', image: 'x' }] }));
  assert.deepEqual(policies, [
    'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    'spec.dnsPolicy: Unsupported value: "Custom": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
  ]);
  const sc = messages(pod({ securityContext: { runAsUser: -1 }, containers: [{ name: 'a', image: 'x', securityContext: { privileged: true, allowPrivilegeEscalation: false } }] }));
  assert.ok(sc.includes('spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive'), sc.join('\n'));
  assert.ok(sc.some((m) => m.endsWith('cannot set `allowPrivilegeEscalation` to false and `privileged` to true')));
});

test('validatePodTemplateSpec reports paths under the template', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a' }] } };
  defaultPodSpec(template.spec);
  const errs = validatePodTemplateSpec(template, root('spec', 'template')).items.map((e) => e.message);
  assert.deepEqual(errs, ['spec.template.spec.containers[0].image: Required value']);
});

test('update: only images, a shorter deadline and added tolerations may change', async () => {
  const { registry } = memoryRegistry(pods);
  const created = (await registry.create(adminCtx(), pod({ containers: [{ name: 'a', image: 'nginx:1' }], tolerations: [{ key: 'k', operator: 'Exists' }] }))) as Pod;
  const update = (change: (p: Pod) => void) =>
    registry.update(adminCtx(), 'p', (cur) => {
      const p = cur as Pod;
      change(p);
      return p;
    });
  const { object } = await update((p) => {
    p.spec!.containers[0]!.image = 'nginx:2';
    p.spec!.tolerations!.push({ key: 'other', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 });
    p.spec!.activeDeadlineSeconds = 100;
  });
  assert.equal((object as Pod).spec!.containers[0]!.image, 'nginx:2');
  assert.equal((object as Pod).status!.phase, 'Pending');
  assert.equal(created.status!.qosClass, 'BestEffort');

  const err = (await update((p) => (p.spec!.containers[0]!.ports = [{ containerPort: 80 }])).catch((e: StatusError) => e)) as StatusError;
  assert.equal(err.status.code, 422);
  assert.match(
    err.status.message ?? '',
    /^Pod "p" is invalid: spec: Forbidden: pod updates may not change fields other than `spec\.containers\[\*\]\.image`,`spec\.initContainers\[\*\]\.image`,`spec\.activeDeadlineSeconds`,`spec\.tolerations` \(only additions to existing tolerations\),`spec\.terminationGracePeriodSeconds` \(allow it to be set to 1 if it was previously negative\)\n/,
  );
  const longer = (await update((p) => (p.spec!.activeDeadlineSeconds = 200)).catch((e: StatusError) => e)) as StatusError;
  assert.match(longer.status.message ?? '', /spec\.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value/);
  const removed = (await update((p) => (p.spec!.tolerations = [])).catch((e: StatusError) => e)) as StatusError;
  assert.match(removed.status.message ?? '', /spec\.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds/);
  const nodeName = (await update((p) => (p.spec!.nodeName = 'n1')).catch((e: StatusError) => e)) as StatusError;
  assert.match(nodeName.status.message ?? '', /pod updates may not change fields other than/);
});

test('status updates keep the spec and the QoS class', async () => {
  const { registry } = memoryRegistry(pods);
  await registry.create(adminCtx(), pod({ containers: [{ name: 'a', image: 'x' }] }));
  const { object } = await registry.update(
    adminCtx(),
    'p',
    (cur) => {
      const p = cur as Pod;
      p.spec!.containers[0]!.image = 'changed';
      p.status = { phase: 'Running', podIP: '10.42.0.5', podIPs: [{ ip: '10.42.0.5' }] };
      return p;
    },
    { subresource: 'status' },
  );
  const p = object as Pod;
  assert.equal(p.spec!.containers[0]!.image, 'x');
  assert.equal(p.status!.phase, 'Running');
  assert.equal(p.status!.qosClass, 'BestEffort');
  const bad = await registry
    .update(adminCtx(), 'p', (cur) => ({ ...cur!, status: { ...(cur as Pod).status, qosClass: 'Guaranteed', podIPs: [{ ip: 'nope' }] } }), { subresource: 'status' })
    .catch((e: StatusError) => e);
  const text = (bad as StatusError).status.message ?? '';
  assert.match(text, /status\.qosClass: Invalid value: "Guaranteed": field is immutable/);
  assert.match(text, /status\.podIPs\[0\]: Invalid value: "nope": must be a valid IP address/);
});

test('field selectors and discovery names', () => {
  const p = pod({ nodeName: 'n1', restartPolicy: 'Never', schedulerName: 's', serviceAccountName: 'sa', containers: [] });
  p.status = { phase: 'Running', podIPs: [{ ip: '10.0.0.1' }], nominatedNodeName: 'n2' };
  const fields = Object.fromEntries(Object.entries(pods.selectableFields!).map(([k, get]) => [k, get(p)]));
  assert.deepEqual(fields, {
    'spec.nodeName': 'n1',
    'spec.restartPolicy': 'Never',
    'spec.schedulerName': 's',
    'spec.serviceAccountName': 'sa',
    'spec.hostNetwork': 'false',
    'status.phase': 'Running',
    'status.podIP': '10.0.0.1',
    'status.nominatedNodeName': 'n2',
  });
  assert.deepEqual(pods.shortNames, ['po']);
  assert.deepEqual(pods.categories, ['all']);
  assert.ok(pods.extraSubresources!.some((s) => s.name === 'binding' && s.kind === 'Binding'));
  assert.ok(pods.extraSubresources!.some((s) => s.name === 'eviction' && s.group === 'policy'));
});
