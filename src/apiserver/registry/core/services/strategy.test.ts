import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusError } from '../../../../apimachinery/errors.js';
import { adminCtx, memoryRegistry } from '../test-helpers.js';
import { ServiceAllocators, ipv4ToNumber } from './allocators.js';
import { createServicesResource } from './storage.js';
import type { Service } from './types.js';

const svc = (name: string, spec: Record<string, unknown>): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec }) as Service;
const web = (name = 'web', extra: Record<string, unknown> = {}): Service => svc(name, { selector: { app: 'web' }, ports: [{ port: 80 }], ...extra });

function setup(opts: ConstructorParameters<typeof ServiceAllocators>[0] = {}) {
  const allocators = new ServiceAllocators(opts);
  const def = createServicesResource(allocators);
  return { allocators, def, ...memoryRegistry(def) };
}

const fail = (p: Promise<unknown>): Promise<StatusError> => p.then(() => assert.fail('expected an error'), (e: StatusError) => e);

test('defaults and a cluster IP from 10.43.0.0/16 (never .0, .1, .10 or the broadcast address)', async () => {
  const { registry } = setup();
  const created = (await registry.create(adminCtx(), web())) as Service;
  const s = created.spec!;
  assert.equal(s.type, 'ClusterIP');
  assert.equal(s.sessionAffinity, 'None');
  assert.deepEqual(s.ports, [{ port: 80, protocol: 'TCP', targetPort: 80 }]);
  assert.equal(s.internalTrafficPolicy, 'Cluster');
  assert.equal(s.ipFamilyPolicy, 'SingleStack');
  assert.deepEqual(s.ipFamilies, ['IPv4']);
  assert.match(s.clusterIP!, /^10\.43\.\d+\.\d+$/);
  assert.deepEqual(s.clusterIPs, [s.clusterIP]);
  assert.ok(!['10.43.0.0', '10.43.0.1', '10.43.0.10', '10.43.255.255'].includes(s.clusterIP!));
  assert.deepEqual(created.status, { loadBalancer: {} });
  assert.equal(s.externalTrafficPolicy, undefined);
});

test('dynamic allocation skips the reserved addresses even in a tiny range, then reports full', async () => {
  const { registry } = setup({ serviceCIDR: '10.96.0.0/28' });
  const ips = [];
  // 14 usable addresses, 2 reserved for kubernetes and DNS.
  for (let i = 0; i < 12; i++) ips.push(((await registry.create(adminCtx(), web(`s${i}`))) as Service).spec!.clusterIP);
  assert.equal(new Set(ips).size, 12);
  assert.ok(!ips.includes('10.96.0.1') && !ips.includes('10.96.0.10'));
  const full = await fail(registry.create(adminCtx(), web('s12')));
  assert.equal(full.status.code, 500);
  assert.equal(full.status.message, 'Internal error occurred: failed to allocate a serviceIP: range is full');
  const dns = (await registry.create(adminCtx(), web('dns', { clusterIP: '10.96.0.10' }))) as Service;
  assert.equal(dns.spec!.clusterIP, '10.96.0.10');
});

test('requested cluster IPs: reserved ones on request, taken or out-of-range refused', async () => {
  const { registry, allocators } = setup();
  assert.equal(allocators.kubernetesServiceIP, '10.43.0.1');
  assert.equal(allocators.dnsServiceIP, '10.43.0.10');
  const k = (await registry.create(adminCtx(), web('kubernetes', { clusterIP: '10.43.0.1' }))) as Service;
  assert.deepEqual(k.spec!.clusterIPs, ['10.43.0.1']);
  const taken = await fail(registry.create(adminCtx(), web('other', { clusterIP: '10.43.0.1' })));
  assert.equal(taken.status.code, 422);
  assert.equal(taken.status.message, 'Service "other" is invalid: spec.clusterIPs: Invalid value: []string{"10.43.0.1"}: failed to allocate IP 10.43.0.1: provided IP is already allocated');
  const outside = await fail(registry.create(adminCtx(), web('outside', { clusterIP: '192.168.1.1' })));
  assert.match(outside.status.message ?? '', /the provided IP \(192\.168\.1\.1\) is not in the valid range\. The range of valid IPs is 10\.43\.0\.0\/16/);
  const bogus = await fail(registry.create(adminCtx(), web('bogus', { clusterIP: 'abc' })));
  assert.match(bogus.status.message ?? '', /spec\.clusterIPs\[0\]: Invalid value: "abc": must be a valid IP address/);
});

test('concurrent creates never share an IP or node port', async () => {
  const { registry } = setup({ serviceCIDR: '10.43.0.0/24', nodePortRange: '30000-30100' });
  const all = (await Promise.all(Array.from({ length: 60 }, (_, i) => registry.create(adminCtx(), web(`c${i}`, { type: 'NodePort' }))))) as Service[];
  assert.equal(new Set(all.map((s) => s.spec!.clusterIP)).size, 60);
  assert.equal(new Set(all.map((s) => s.spec!.ports![0]!.nodePort)).size, 60);
});

test('NodePort and LoadBalancer allocation, explicit ports, shared ports per number', async () => {
  const { registry } = setup();
  const np = (await registry.create(adminCtx(), web('np', { type: 'NodePort', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] }))) as Service;
  const [udp, tcp] = np.spec!.ports!;
  assert.ok(udp!.nodePort! >= 30000 && udp!.nodePort! <= 32767);
  assert.equal(tcp!.nodePort, udp!.nodePort);
  assert.equal(np.spec!.externalTrafficPolicy, 'Cluster');
  const fixed = (await registry.create(adminCtx(), web('fixed', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }))) as Service;
  assert.equal(fixed.spec!.ports![0]!.nodePort, 30080);
  const again = await fail(registry.create(adminCtx(), web('again', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })));
  assert.equal(again.status.message, 'Service "again" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
  const low = await fail(registry.create(adminCtx(), web('low', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] })));
  assert.match(low.status.message ?? '', /spec\.ports\[0\]\.nodePort: Invalid value: 80: provided port is not in the valid range\. The range of valid ports is 30000-32767/);
  const lb = (await registry.create(adminCtx(), web('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }))) as Service;
  assert.equal(lb.spec!.allocateLoadBalancerNodePorts, true);
  assert.ok(lb.spec!.ports![0]!.nodePort);
  assert.ok(lb.spec!.healthCheckNodePort);
});

test('headless and ExternalName services get no IP', async () => {
  const { registry } = setup();
  const headless = (await registry.create(adminCtx(), web('db', { clusterIP: 'None' }))) as Service;
  assert.deepEqual(headless.spec!.clusterIPs, ['None']);
  assert.deepEqual(headless.spec!.ipFamilies, ['IPv4']);
  const ext = (await registry.create(adminCtx(), svc('ext', { type: 'ExternalName', externalName: 'example.com' }))) as Service;
  assert.equal(ext.spec!.clusterIP, undefined);
  assert.equal(ext.spec!.internalTrafficPolicy, undefined);
  const noName = await fail(registry.create(adminCtx(), svc('ext2', { type: 'ExternalName' })));
  assert.equal(noName.status.message, 'Service "ext2" is invalid: spec.externalName: Required value');
});

test('validation messages', async () => {
  const { registry } = setup();
  const noPorts = await fail(registry.create(adminCtx(), svc('a', {})));
  assert.equal(noPorts.status.message, 'Service "a" is invalid: spec.ports: Required value');
  const bad = await fail(registry.create(adminCtx(), svc('b', { type: 'Magic', ports: [{ port: 80 }, { port: 80, nodePort: 30001 }] })));
  const text = bad.status.message ?? '';
  assert.match(text, /spec\.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"/);
  assert.match(text, /spec\.ports\[0\]\.name: Required value/);
  assert.match(text, /spec\.ports\[1\]: Duplicate value: /);
  const cip = await fail(registry.create(adminCtx(), web('c', { ports: [{ port: 80, nodePort: 30001 }] })));
  assert.match(cip.status.message ?? '', /spec\.ports\[0\]\.nodePort: Forbidden: may not be used when `type` is 'ClusterIP'/);
  const name = await fail(registry.create(adminCtx(), web('1bad')));
  assert.match(name.status.message ?? '', /metadata\.name: Invalid value: "1bad": a DNS-1035 label must consist of/);
});

test('updates keep the allocated IP and node ports; the cluster IP is immutable; type changes free ports', async () => {
  const { registry, allocators } = setup();
  const created = (await registry.create(adminCtx(), web('u', { type: 'NodePort' }))) as Service;
  const ip = created.spec!.clusterIP!;
  const nodePort = created.spec!.ports![0]!.nodePort!;
  // A manifest re-applied without clusterIP and nodePort (what `kubectl apply` sends as a full PUT).
  const { object } = await registry.update(adminCtx(), 'u', (cur) => ({ ...web('u', { type: 'NodePort' }), metadata: cur!.metadata }));
  assert.equal((object as Service).spec!.clusterIP, ip);
  assert.equal((object as Service).spec!.ports![0]!.nodePort, nodePort);
  const changed = await fail(registry.update(adminCtx(), 'u', (cur) => ({ ...cur!, spec: { ...(cur as Service).spec, clusterIP: '10.43.9.9', clusterIPs: ['10.43.9.9'] } })));
  assert.match(changed.status.message ?? '', /spec\.clusterIPs\[0\]: Invalid value: \[\]string\{"10\.43\.9\.9"\}: may not change once set/);
  const { object: back } = await registry.update(adminCtx(), 'u', (cur) => ({ ...cur!, spec: { ...(cur as Service).spec, type: 'ClusterIP' } }));
  assert.equal((back as Service).spec!.ports![0]!.nodePort, undefined);
  assert.equal((back as Service).spec!.externalTrafficPolicy, undefined);
  assert.equal(allocators.ips.get(ipv4ToNumber(ip)!)?.owner, created.metadata.uid);
});

test('table cells: TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR', () => {
  const def = createServicesResource();
  const now = Date.parse('2024-05-01T12:00:00Z');
  const meta = { name: 's', creationTimestamp: '2024-05-01T11:00:00Z' };
  const np = { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { type: 'NodePort', clusterIPs: ['10.43.0.5'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }], selector: { b: '2', a: '1' } } } as Service;
  assert.deepEqual(def.table!.cells(np, now), ['NodePort', '10.43.0.5', '<none>', '80:30080/TCP', '60m', 'a=1,b=2']);
  const lb = { ...np, spec: { ...np.spec, type: 'LoadBalancer' }, status: { loadBalancer: {} } } as Service;
  assert.equal(def.table!.cells(lb, now)[2], '<pending>');
  const lbReady = { ...lb, status: { loadBalancer: { ingress: [{ ip: '192.0.2.7' }] } } } as Service;
  assert.equal(def.table!.cells(lbReady, now)[2], '192.0.2.7');
  const ext = { apiVersion: 'v1', kind: 'Service', metadata: meta, spec: { type: 'ExternalName', externalName: 'example.com' } } as Service;
  assert.deepEqual(def.table!.cells(ext, now), ['ExternalName', '<none>', 'example.com', '<none>', '60m', '<none>']);
  assert.deepEqual(def.table!.columns.map((c) => c.name), ['Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
  assert.deepEqual(def.shortNames, ['svc']);
});
