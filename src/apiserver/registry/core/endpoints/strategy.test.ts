import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminCtx, memoryRegistry } from '../test-helpers.js';
import { endpoints, formatEndpoints } from './storage.js';
import type { Endpoints } from './strategy.js';

const ep = (subsets: unknown[]): Endpoints => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'web' }, subsets }) as Endpoints;
const messages = (e: Endpoints): string[] => {
  endpoints.strategy.prepareForCreate(e, adminCtx());
  return endpoints.strategy.validate(e, adminCtx()).items.map((x) => x.message);
};

test('ports default to TCP; table shows up to three ip:port pairs', async () => {
  const { registry } = memoryRegistry(endpoints);
  const addresses = ['10.42.0.1', '10.42.0.2', '10.42.0.3', '10.42.0.4'].map((ip) => ({ ip }));
  const created = (await registry.create(adminCtx(), ep([{ addresses, ports: [{ port: 8080 }] }]))) as Endpoints;
  assert.equal(created.subsets![0]!.ports![0]!.protocol, 'TCP');
  assert.equal(formatEndpoints(created), '10.42.0.1:8080,10.42.0.2:8080,10.42.0.3:8080 + 1 more...');
  assert.equal(formatEndpoints(ep([])), '<none>');
  assert.equal(formatEndpoints(ep([{ addresses: [{ ip: '10.42.0.9' }] }])), '10.42.0.9');
  assert.deepEqual(endpoints.shortNames, ['ep']);
});

test('validation: addresses required, IPs real and not special, ports named when several', () => {
  assert.deepEqual(messages(ep([{ ports: [{ port: 80 }] }])), ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`']);
  assert.deepEqual(messages(ep([{ addresses: [{ ip: 'nope' }, { ip: '127.0.0.1' }], ports: [{ port: 80 }, { port: 0, name: 'b' }] }])), [
    'subsets[0].addresses[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'subsets[0].addresses[1].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    'subsets[0].ports[0].name: Required value',
    'subsets[0].ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
  ]);
});
