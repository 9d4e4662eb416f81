import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../generic/resource.js';
import { endpointslices } from './storage.js';
import { type EndpointSlice, endpointSliceStrategy } from './strategy.js';

const ctx: RequestContext = { user: { name: 'admin', groups: [] }, namespace: 'default', dryRun: false };
const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

const slice = (fields: Partial<EndpointSlice>): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-abc12', namespace: 'default', creationTimestamp: '2024-01-01T00:00:00Z' },
  ...fields,
});

describe('endpointslices strategy', () => {
  it('defaults port protocol and name, sets generation', () => {
    const s = slice({ addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.5'] }], ports: [{ port: 80 }] });
    endpointSliceStrategy.prepareForCreate(s, ctx);
    assert.deepEqual(s.ports, [{ port: 80, name: '', protocol: 'TCP' }]);
    assert.equal(s.metadata.generation, 1);
    assert.deepEqual(messages(endpointSliceStrategy.validate(s, ctx)), []);
  });

  it('requires a supported addressType', () => {
    assert.deepEqual(messages(endpointSliceStrategy.validate(slice({}), ctx)), ['addressType: Required value']);
    assert.deepEqual(messages(endpointSliceStrategy.validate(slice({ addressType: 'IP' }), ctx)), [
      'addressType: Unsupported value: "IP": supported values: "FQDN", "IPv4", "IPv6"',
    ]);
  });

  it('validates addresses by type', () => {
    const s = slice({
      addressType: 'IPv4',
      endpoints: [{ addresses: ['fd00::1', '127.0.0.1'] }, { addresses: [] }],
    });
    assert.deepEqual(messages(endpointSliceStrategy.validate(s, ctx)), [
      'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
      'endpoints[0].addresses[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'endpoints[1].addresses: Required value: must contain at least 1 address',
    ]);
    const fqdn = slice({ addressType: 'FQDN', endpoints: [{ addresses: ['example.com', 'localhost'] }] });
    assert.deepEqual(messages(endpointSliceStrategy.validate(fqdn, ctx)), [
      'endpoints[0].addresses[1]: Invalid value: "localhost": should be a domain with at least two segments separated by dots',
    ]);
  });

  it('validates ports', () => {
    const s = slice({ addressType: 'IPv6', ports: [{ name: 'http', protocol: 'TCP', port: 80 }, { name: 'http', protocol: 'ICMP' }, { name: 'Bad_Name', protocol: 'UDP' }] });
    assert.deepEqual(messages(endpointSliceStrategy.validate(s, ctx)), [
      'ports[1].name: Duplicate value: "http"',
      'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      `ports[2].name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ]);
  });

  it('keeps addressType immutable', () => {
    const old = slice({ addressType: 'IPv4' });
    const next = slice({ addressType: 'IPv6' });
    assert.deepEqual(messages(endpointSliceStrategy.validateUpdate(next, old, ctx)), ['addressType: Invalid value: "IPv6": field is immutable']);
  });
});

describe('endpointslices table', () => {
  it('prints ports and endpoints like kubectl', () => {
    const s = slice({
      addressType: 'IPv4',
      ports: [{ port: 80 }, { port: 443 }],
      endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }, { addresses: ['10.0.0.5'] }],
    });
    const now = Date.parse('2024-01-01T00:00:30Z');
    assert.deepEqual(endpointslices.table!.cells(s, now), ['IPv4', '80,443', '10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...', '30s']);
    assert.deepEqual(endpointslices.table!.cells(slice({ addressType: 'IPv4' }), now), ['IPv4', '<unset>', '<unset>', '30s']);
  });
});
