import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { root } from '../../../apimachinery/field.js';
import { isStrictSubset, isWildcardDNS1123Subdomain, parseCIDR, parseIP, validateDomainPrefixedPath, validateEndpointIP, validateFQDN } from './net-validation.js';

const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

describe('net validation', () => {
  it('parses IPs like Go net.ParseIP (sloppy)', () => {
    assert.equal(parseIP('10.0.0.1')?.isV4, true);
    assert.equal(parseIP('010.000.000.001')?.isV4, true);
    assert.equal(parseIP('::ffff:1.2.3.4')?.isV4, true);
    assert.equal(parseIP('fe80::1')?.isV4, false);
    assert.equal(parseIP('2001:db8::1:0:0:1')?.bytes[15], 1);
    for (const bad of ['256.0.0.1', '1.2.3', '1::2::3', 'example.com', '', '1:2:3:4:5:6:7:8:9']) assert.equal(parseIP(bad), undefined, bad);
  });

  it('parses CIDRs and checks strict subsets', () => {
    const outer = parseCIDR('10.0.0.0/8')!;
    assert.equal(isStrictSubset(outer, parseCIDR('10.1.0.0/16')!), true);
    assert.equal(isStrictSubset(outer, parseCIDR('10.0.0.0/8')!), false);
    assert.equal(isStrictSubset(outer, parseCIDR('11.0.0.0/16')!), false);
    assert.equal(isStrictSubset(parseCIDR('2001:db8::/32')!, parseCIDR('2001:db8:1::/48')!), true);
    assert.equal(parseCIDR('10.0.0.0/33'), undefined);
    assert.equal(parseCIDR('10.0.0.0'), undefined);
  });

  it('refuses endpoint IPs that make no sense as destinations', () => {
    const p = root('ip');
    assert.deepEqual(messages(validateEndpointIP('0.0.0.0', p)), ['ip: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)']);
    assert.deepEqual(messages(validateEndpointIP('169.254.1.1', p)), ['ip: Invalid value: "169.254.1.1": may not be in the link-local range (169.254.0.0/16, fe80::/10)']);
    assert.deepEqual(messages(validateEndpointIP('ff02::1', p)), ['ip: Invalid value: "ff02::1": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)']);
    assert.deepEqual(messages(validateEndpointIP('::1', p)), ['ip: Invalid value: "::1": may not be in the loopback range (127.0.0.0/8, ::1/128)']);
    assert.deepEqual(messages(validateEndpointIP('10.1.2.3', p)), []);
  });

  it('checks FQDNs, wildcard hosts and domain-prefixed paths', () => {
    assert.deepEqual(messages(validateFQDN(root('a'), 'example.com.')), []);
    assert.deepEqual(isWildcardDNS1123Subdomain('*.example.com'), []);
    assert.equal(isWildcardDNS1123Subdomain('*.*.example.com').length, 1);
    assert.deepEqual(messages(validateDomainPrefixedPath(root('c'), 'example.com/ctl')), []);
    assert.deepEqual(messages(validateDomainPrefixedPath(root('c'), 'example.com/a b')), [
      `c: Invalid value: "a b": Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')`,
    ]);
  });
});
