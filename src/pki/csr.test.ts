import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCa } from './ca.js';
import { createCsr, parseCsr, signCsr } from './csr.js';
import { certificateSans, isIssuedBy } from './certs.js';
import { privateKeyMatchesCertificate } from './keys.js';
import * as x509 from './x509.js';

test('a CSR carries its subject and SANs, and its signature is checked', async () => {
  const { csrPem } = await createCsr({ commonName: 'system:node:n1', organizations: ['system:nodes'], dns: ['n1'], ips: ['10.0.0.1'] });
  const csr = parseCsr(csrPem);
  assert.equal(csr.commonName, 'system:node:n1');
  assert.deepEqual(csr.organizations, ['system:nodes']);
  assert.deepEqual(csr.sans, { dns: ['n1'], ips: ['10.0.0.1'], emails: [], uris: [] });

  // flip one byte of the signature (the last bytes of the DER)
  const der = Buffer.from(csrPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  der[der.length - 3] ^= 0x01;
  const tampered = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
  assert.throws(() => parseCsr(tampered), /verification failure/);
  assert.throws(() => parseCsr('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), { message: 'PEM block type must be CERTIFICATE REQUEST' });
  assert.throws(() => parseCsr('hello'), { message: 'PEM block type must be CERTIFICATE REQUEST' });
});

test('signCsr issues a certificate for the requester\'s key with the asked usages', async () => {
  const ca = await createCa({ namePrefix: 'test-ca' });
  const { csrPem, keyPem } = await createCsr({ commonName: 'system:node:n1', organizations: ['system:nodes'], dns: ['n1'], ips: ['10.0.0.1'] });
  const certPem = await signCsr(ca, parseCsr(csrPem), { usages: ['digital signature', 'server auth'], durationMs: 3600_000 });
  const cert = new x509.X509Certificate(certPem);
  assert.ok(await isIssuedBy(cert, ca.cert));
  assert.ok(privateKeyMatchesCertificate(keyPem, cert), 'the key never left the requester');
  assert.deepEqual(cert.subjectName.getField('CN'), ['system:node:n1']);
  assert.deepEqual(cert.subjectName.getField('O'), ['system:nodes']);
  assert.deepEqual(certificateSans(cert), { dns: ['n1'], ips: ['10.0.0.1'] });
  const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
  assert.deepEqual([...(eku?.usages ?? [])].map(String), [x509.ExtendedKeyUsage.serverAuth]);
  const hours = (cert.notAfter.getTime() - Date.now()) / 3600_000;
  assert.ok(hours > 0.9 && hours <= 1.01, `valid for about an hour, got ${hours}`);
  await assert.rejects(signCsr(ca, parseCsr(csrPem), { usages: ['teleport'], durationMs: 1000 }), /unsupported key usage/);
});
