import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate as NodeX509 } from 'node:crypto';
import * as x509 from './x509.js';
import { createCa } from './ca.js';
import { certificateSans, isIssuedBy, issueClientCert, issueServingCert, missingSans } from './certs.js';
import { classifySans } from './sans.js';

const DAY = 24 * 60 * 60 * 1000;

test('a serving certificate carries the requested DNS and IP SANs, serverAuth, one year', async () => {
  const ca = await createCa();
  const now = new Date();
  const sans = classifySans(['localhost', 'Kubernetes.Default.', '127.0.0.1', '0:0::1', '2001:db8::7', '10.43.0.1']);
  const serving = await issueServingCert(ca, { sans, now });
  const node = new NodeX509(serving.certPem);
  assert.equal(
    node.subjectAltName,
    'DNS:localhost, DNS:kubernetes.default, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1, ' +
      'IP Address:2001:DB8:0:0:0:0:0:7, IP Address:10.43.0.1',
  );
  assert.deepEqual(node.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.equal(node.ca, false);
  assert.equal(node.checkIP('::1'), '::1');
  assert.equal(node.checkHost('kubernetes.default'), 'kubernetes.default');
  assert.equal(node.checkHost('example.com'), undefined);
  assert.equal(node.verify(new NodeX509(ca.certPem).publicKey), true);
  const days = (serving.cert.notAfter.getTime() - now.getTime()) / DAY;
  assert.ok(days > 364 && days <= 365, `validity ${days} days`);
  assert.deepEqual(certificateSans(serving.cert), {
    dns: ['localhost', 'kubernetes.default'],
    ips: ['127.0.0.1', '::1', '2001:db8::7', '10.43.0.1'],
  });
});

test('missingSans compares canonical forms and lists what is absent', async () => {
  const ca = await createCa();
  const serving = await issueServingCert(ca, { sans: classifySans(['a.example', '::1']) });
  assert.deepEqual(missingSans(serving.cert, classifySans(['A.example', '0::1'])), []);
  assert.deepEqual(missingSans(serving.cert, classifySans(['b.example', '192.0.2.9', '::1'])), ['b.example', '192.0.2.9']);
});

test('a client certificate names the user in CN and each group in an O, for clientAuth', async () => {
  const ca = await createCa();
  const client = await issueClientCert(ca, { user: 'system:admin', groups: ['system:masters', 'ops'] });
  assert.deepEqual(client.cert.subjectName.getField('CN'), ['system:admin']);
  assert.deepEqual(client.cert.subjectName.getField('O'), ['system:masters', 'ops']);
  const node = new NodeX509(client.certPem);
  assert.deepEqual(node.keyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.equal(node.checkIssued(new NodeX509(ca.certPem)), true);
  assert.equal(client.cert.getExtension(x509.SubjectAlternativeNameExtension), null);
  await assert.rejects(issueClientCert(ca, { user: '' }), /needs a user name/);
});

test('isIssuedBy checks the signature, not only the issuer name', async () => {
  const ca = await createCa({ now: new Date('2031-01-01T00:00:00Z') });
  // Same CN (same second), different key: the name matches, the signature must not.
  const impostor = await createCa({ now: new Date('2031-01-01T00:00:00Z') });
  assert.equal(impostor.cert.subject, ca.cert.subject);
  const leaf = await issueClientCert(impostor, { user: 'mallory' });
  assert.equal(await isIssuedBy(leaf.cert, impostor.cert), true);
  assert.equal(await isIssuedBy(leaf.cert, ca.cert), false);
});

test('a leaf never outlives its CA', async () => {
  const ca = await createCa({ validityDays: 30 });
  const client = await issueClientCert(ca, { user: 'short' });
  assert.equal(client.cert.notAfter.getTime(), ca.cert.notAfter.getTime());
});
