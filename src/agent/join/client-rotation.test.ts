import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCa } from '../../pki/ca.js';
import { issueClientCert } from '../../pki/certs.js';
import { rotationTime } from './client-rotation.js';

test('rotation is due at the given fraction of the certificate\'s lifetime', async () => {
  const ca = await createCa();
  const now = new Date('2026-01-01T00:00:00Z');
  const { certPem, cert } = await issueClientCert(ca, { user: 'system:node:n1', groups: ['system:nodes'], validityDays: 100, now });
  const from = cert.notBefore.getTime();
  const life = cert.notAfter.getTime() - from;
  assert.equal(rotationTime(certPem, 0.8), from + life * 0.8);
  assert.ok(rotationTime(certPem, 0.7) < rotationTime(certPem, 0.9));
});
