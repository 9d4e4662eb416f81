import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate as NodeX509, webcrypto } from 'node:crypto';
import * as x509 from './x509.js';
import { createCa, fingerprint, loadCa } from './ca.js';
import { issueClientCert } from './certs.js';

const DAY = 24 * 60 * 60 * 1000;

test('createCa makes a self-signed CA named kite-ca@<unix time>, valid ten years', async () => {
  const now = new Date('2030-01-02T03:04:05Z');
  const ca = await createCa({ now });
  assert.equal(ca.cert.subject, `CN=kite-ca@${Math.floor(now.getTime() / 1000)}`);
  assert.equal(ca.cert.issuer, ca.cert.subject);
  assert.equal(await ca.cert.isSelfSigned(), true);
  const years = (ca.cert.notAfter.getTime() - now.getTime()) / DAY;
  assert.ok(years >= 3649 && years <= 3651, `validity ${years} days`);
  assert.ok(ca.cert.notBefore <= now);
  const constraints = ca.cert.getExtension(x509.BasicConstraintsExtension);
  assert.equal(constraints?.ca, true);
  assert.equal(constraints?.critical, true);
  const usages = ca.cert.getExtension(x509.KeyUsagesExtension)?.usages ?? 0;
  assert.ok(usages & x509.KeyUsageFlags.keyCertSign);
  // Node's own parser (OpenSSL) agrees: it is a CA and its signature verifies with its own key.
  const node = new NodeX509(ca.certPem);
  assert.equal(node.ca, true);
  assert.equal(node.verify(node.publicKey), true);
  assert.match(ca.keyPem, /^-----BEGIN PRIVATE KEY-----\n[^]*\n-----END PRIVATE KEY-----\n$/);
  assert.ok(ca.certPem.endsWith('-----END CERTIFICATE-----\n'), 'PEM ends in a newline, so files concatenate');
});

test('createCa takes a name prefix', async () => {
  const ca = await createCa({ namePrefix: 'kite-client-ca' });
  assert.match(ca.cert.subject, /^CN=kite-client-ca@\d+$/);
});

test('loadCa reads a CA back: same fingerprint, and its key still signs certificates', async () => {
  const ca = await createCa();
  const loaded = await loadCa(ca.certPem, ca.keyPem);
  assert.equal(await fingerprint(loaded.cert), await fingerprint(ca.cert));
  const leaf = await issueClientCert(loaded, { user: 'alice' });
  assert.equal(new NodeX509(leaf.certPem).verify(new NodeX509(ca.certPem).publicKey), true);
});

test('loadCa refuses a key that is not the CA certificate\'s', async () => {
  const ca = await createCa();
  const other = await createCa();
  await assert.rejects(loadCa(ca.certPem, other.keyPem), /does not match/);
});

test('loadCa refuses a certificate that is not a CA', async () => {
  const ca = await createCa();
  const leaf = await issueClientCert(ca, { user: 'bob' });
  await assert.rejects(loadCa(leaf.certPem, leaf.keyPem), /not a CA/);
});

test('fingerprint is the SHA-256 of the DER certificate', async () => {
  const ca = await createCa();
  const node = new NodeX509(ca.certPem);
  assert.equal(await fingerprint(ca.cert), node.fingerprint256.replaceAll(':', '').toLowerCase());
});

test('loadCa also takes a CA a user brings with an RSA key', async () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const der = privateKey.export({ type: 'pkcs8', format: 'der' });
  const signing = await webcrypto.subtle.importKey('pkcs8', der, algorithm, true, ['sign']);
  const jwk = await webcrypto.subtle.exportKey('jwk', signing);
  const verifying = await webcrypto.subtle.importKey('jwk', { kty: 'RSA', n: jwk.n, e: jwk.e }, algorithm, true, ['verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: 'CN=corp-ca',
    keys: { privateKey: signing, publicKey: verifying },
    signingAlgorithm: algorithm,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true)],
  });
  const ca = await loadCa(cert.toString('pem'), keyPem);
  const leaf = await issueClientCert(ca, { user: 'erin', groups: ['corp'] });
  const node = new NodeX509(leaf.certPem);
  assert.equal(node.verify(new NodeX509(ca.certPem).publicKey), true);
  assert.equal(node.issuer, 'CN=corp-ca');
});
