import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCa } from '../../pki/ca.js';
import { issueClientCert } from '../../pki/certs.js';
import { renewalTime, scheduleRenewal } from './renewal.js';

test('renewal is due at the given fraction of the certificate\'s lifetime, and retried after a failure', async () => {
  const ca = await createCa();
  const { certPem, cert } = await issueClientCert(ca, { user: 'system:node:n1', groups: ['system:nodes'], validityDays: 100 });
  const from = cert.notBefore.getTime();
  const life = cert.notAfter.getTime() - from;
  assert.equal(renewalTime(certPem, 0.8), from + life * 0.8);

  const next = await issueClientCert(ca, { user: 'system:node:n1', groups: ['system:nodes'], validityDays: 200 });
  let fail = true;
  const errors: unknown[] = [];
  const renewal = scheduleRenewal({
    certPem, fraction: () => 0.5, retryMs: 60_000, onError: (e) => errors.push(e),
    renew: async () => {
      if (fail) throw new Error('server away');
      return next.certPem;
    },
  });
  try {
    assert.equal(renewal.nextAt, renewalTime(certPem, 0.5));
    await assert.rejects(renewal.renewNow(), /server away/);
    assert.equal(errors.length, 1);
    assert.ok(Math.abs(renewal.nextAt - (Date.now() + 60_000)) < 2000, 'retried a minute later');
    fail = false;
    await renewal.renewNow();
    assert.equal(renewal.nextAt, renewalTime(next.certPem, 0.5), 'the next one follows the new certificate');
  } finally {
    renewal.stop();
  }
});
