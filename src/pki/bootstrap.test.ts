import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate as NodeX509 } from 'node:crypto';
import { chmod, mkdtemp, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from './bootstrap.js';
import { fingerprint } from './ca.js';
import { certificateSans, isIssuedBy, issueClientCert, issueServingCert } from './certs.js';
import { canonicalIp, servingSans } from './sans.js';

async function withDataDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kite-pki-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const mode = async (path: string) => (await stat(path)).mode & 0o777;
const FILES = [
  'client-admin.crt', 'client-admin.key',
  'client-ca.crt', 'client-ca.key',
  'client-kube-apiserver.crt', 'client-kube-apiserver.key',
  'server-ca.crt', 'server-ca.key',
  'serving-kube-apiserver.crt', 'serving-kube-apiserver.key',
];

test('first start creates the whole PKI with private modes', async () => {
  await withDataDir(async (dataDir) => {
    const pki = await ensurePki(dataDir);
    assert.equal(pki.dir, join(dataDir, 'tls'));
    assert.deepEqual((await readdir(pki.dir)).sort(), FILES);
    assert.deepEqual(pki.generated.sort(), [
      'client-admin', 'client-ca', 'client-kube-apiserver', 'server-ca', 'serving-kube-apiserver',
    ]);
    assert.equal(await mode(pki.dir), 0o700);
    for (const name of FILES) {
      assert.equal(await mode(join(pki.dir, name)), name.endsWith('.key') ? 0o600 : 0o644, name);
    }
    assert.match(pki.serverCa.cert.subject, /^CN=kite-server-ca@\d+$/);
    assert.match(pki.clientCa.cert.subject, /^CN=kite-client-ca@\d+$/);
    assert.equal(pki.serverCa.certPath, join(pki.dir, 'server-ca.crt'));
    assert.equal(pki.admin.keyPath, join(pki.dir, 'client-admin.key'));
  });
});

test('serving certificates come from the server CA, client certificates from the client CA', async () => {
  await withDataDir(async (dataDir) => {
    const pki = await ensurePki(dataDir);
    assert.equal(await isIssuedBy(pki.serving.cert, pki.serverCa.cert), true);
    assert.equal(await isIssuedBy(pki.serving.cert, pki.clientCa.cert), false);
    const clientCa = new NodeX509(pki.clientCa.certPem);
    for (const leaf of [pki.admin, pki.apiserverClient]) {
      assert.equal(new NodeX509(leaf.certPem).verify(clientCa.publicKey), true);
      assert.equal(await isIssuedBy(leaf.cert, pki.serverCa.cert), false);
    }
    assert.deepEqual(pki.admin.cert.subjectName.getField('CN'), ['system:admin']);
    assert.deepEqual(pki.admin.cert.subjectName.getField('O'), ['system:masters']);
    assert.deepEqual(pki.apiserverClient.cert.subjectName.getField('CN'), ['system:apiserver']);
    assert.deepEqual(new NodeX509(pki.serving.certPem).keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.deepEqual(new NodeX509(pki.admin.certPem).keyUsage, ['1.3.6.1.5.5.7.3.2']);
  });
});

test('the serving certificate names localhost, the kubernetes service, this host and its addresses', async () => {
  await withDataDir(async (dataDir) => {
    const pki = await ensurePki(dataDir, { extraSans: ['api.example.test', '203.0.113.5'] });
    const sans = certificateSans(pki.serving.cert);
    for (const name of [
      'localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local', hostname().toLowerCase(), 'api.example.test',
    ]) {
      assert.ok(sans.dns.includes(name), `DNS SAN ${name} in ${sans.dns.join(',')}`);
    }
    const addresses = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
    const external = addresses.filter((a) => !a.internal).map((a) => canonicalIp(a.address.split('%')[0]!));
    for (const ip of ['127.0.0.1', '::1', '10.43.0.1', '203.0.113.5', ...external]) {
      assert.ok(sans.ips.includes(ip), `IP SAN ${ip} in ${sans.ips.join(',')}`);
    }
    const node = new NodeX509(pki.serving.certPem);
    assert.equal(node.checkIP('10.43.0.1'), '10.43.0.1');
    assert.equal(node.checkHost('kubernetes.default.svc.cluster.local'), 'kubernetes.default.svc.cluster.local');
  });
});

test('a restart reuses every file: same CA fingerprints, same leaf certificates', async () => {
  await withDataDir(async (dataDir) => {
    const first = await ensurePki(dataDir);
    const second = await ensurePki(dataDir);
    assert.deepEqual(second.generated, []);
    assert.equal(await fingerprint(second.serverCa.cert), await fingerprint(first.serverCa.cert));
    assert.equal(await fingerprint(second.clientCa.cert), await fingerprint(first.clientCa.cert));
    for (const key of ['serving', 'admin', 'apiserverClient'] as const) {
      assert.equal(second[key].cert.serialNumber, first[key].cert.serialNumber, key);
      assert.equal(second[key].keyPem, first[key].keyPem, key);
    }
  });
});

test('a newly requested SAN renews only the serving certificate, under the same CA', async () => {
  await withDataDir(async (dataDir) => {
    const first = await ensurePki(dataDir);
    const second = await ensurePki(dataDir, { extraSans: ['lb.example.test'] });
    assert.deepEqual(second.generated, ['serving-kube-apiserver']);
    assert.notEqual(second.serving.cert.serialNumber, first.serving.cert.serialNumber);
    assert.ok(certificateSans(second.serving.cert).dns.includes('lb.example.test'));
    assert.equal(await fingerprint(second.serverCa.cert), await fingerprint(first.serverCa.cert));
    assert.equal(await isIssuedBy(second.serving.cert, first.serverCa.cert), true);
    // The name stays wanted only while asked for; dropping it does not force another renewal.
    assert.deepEqual((await ensurePki(dataDir)).generated, []);
  });
});

test('a missing serving certificate is issued again', async () => {
  await withDataDir(async (dataDir) => {
    const first = await ensurePki(dataDir);
    await unlink(first.serving.certPath);
    const second = await ensurePki(dataDir);
    assert.deepEqual(second.generated, ['serving-kube-apiserver']);
    assert.equal(await isIssuedBy(second.serving.cert, first.serverCa.cert), true);
  });
});

test('leaves expiring within 30 days (or expired) are renewed; the CAs are kept', async () => {
  await withDataDir(async (dataDir) => {
    const first = await ensurePki(dataDir);
    const expiring = await issueServingCert(first.serverCa.authority, { sans: servingSans(), validityDays: 20 });
    await writeFile(first.serving.certPath, expiring.certPem);
    await writeFile(first.serving.keyPath, expiring.keyPem);
    const longAgo = new Date(Date.now() - 800 * 24 * 60 * 60 * 1000);
    const expired = await issueClientCert(first.clientCa.authority, { user: 'system:admin', groups: ['system:masters'], now: longAgo });
    await writeFile(first.admin.certPath, expired.certPem);
    await writeFile(first.admin.keyPath, expired.keyPem);
    const second = await ensurePki(dataDir);
    assert.deepEqual(second.generated.sort(), ['client-admin', 'serving-kube-apiserver']);
    assert.ok(second.serving.cert.notAfter.getTime() - Date.now() > 300 * 24 * 60 * 60 * 1000);
    assert.ok(second.admin.cert.notAfter.getTime() > Date.now());
    assert.equal(await fingerprint(second.serverCa.cert), await fingerprint(first.serverCa.cert));
    assert.equal(await fingerprint(second.clientCa.cert), await fingerprint(first.clientCa.cert));
  });
});

test('a leaf whose key does not match, or signed by another CA, is replaced', async () => {
  await withDataDir(async (dataDir) => {
    const first = await ensurePki(dataDir);
    await writeFile(first.admin.keyPath, first.apiserverClient.keyPem); // wrong key for the admin cert
    const wrongCa = await issueClientCert(first.serverCa.authority, { user: 'system:apiserver', groups: ['system:masters'] });
    await writeFile(first.apiserverClient.certPath, wrongCa.certPem);
    await writeFile(first.apiserverClient.keyPath, wrongCa.keyPem);
    const second = await ensurePki(dataDir);
    assert.deepEqual(second.generated.sort(), ['client-admin', 'client-kube-apiserver']);
    assert.equal(await isIssuedBy(second.apiserverClient.cert, second.clientCa.cert), true);
  });
});

test('half a CA is an error, never silently replaced', async () => {
  await withDataDir(async (dataDir) => {
    const first: Pki = await ensurePki(dataDir);
    await unlink(first.clientCa.keyPath);
    await assert.rejects(ensurePki(dataDir), /incomplete CA client-ca: .*client-ca\.crt exists/);
    // The certificate is untouched, so restoring the key brings the same CA back.
    await writeFile(first.clientCa.keyPath, first.clientCa.keyPem, { mode: 0o600 });
    const restored = await ensurePki(dataDir);
    assert.equal(await fingerprint(restored.clientCa.cert), await fingerprint(first.clientCa.cert));
    assert.deepEqual(restored.generated, []);
  });
});

test('an existing tls directory or kept key with loose permissions is tightened', async () => {
  await withDataDir(async (dataDir) => {
    const pki = await ensurePki(dataDir);
    await chmod(pki.dir, 0o755);
    await chmod(pki.serverCa.keyPath, 0o644);
    await chmod(pki.admin.keyPath, 0o640);
    const again = await ensurePki(dataDir);
    assert.deepEqual(again.generated, []);
    assert.equal(await mode(pki.dir), 0o700);
    assert.equal(await mode(pki.serverCa.keyPath), 0o600);
    assert.equal(await mode(pki.admin.keyPath), 0o600);
  });
});
