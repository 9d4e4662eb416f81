// The real kubectl against a real `kite server` over TLS: the first things a user types.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type KiteServer, runKubectl, startKiteServer } from '../util/kite-server.js';

describe('kubectl against kite server', () => {
  let kite: KiteServer;
  before(async () => {
    kite = await startKiteServer();
  });
  after(async () => {
    await kite?.stop();
  });

  it('reports version 1.32 over TLS with the admin certificate', async () => {
    const r = await kite.kubectl(['version', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const v = JSON.parse(r.stdout) as { serverVersion: { major: string; minor: string } };
    assert.equal(v.serverVersion.major, '1');
    assert.equal(v.serverVersion.minor, '32');
  });

  it('refuses a client without credentials with 401', async () => {
    const r = await runKubectl(['--server', kite.url, '--insecure-skip-tls-verify', '--token', 'not-a-real-token', 'get', 'namespaces']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Unauthorized|must be logged in/);
  });

  it('lists the system namespaces as a table', async () => {
    const r = await kite.kubectl(['get', 'namespaces']);
    assert.equal(r.code, 0, r.stderr);
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(r.stdout, new RegExp(`^${ns}\\s+Active\\s+`, 'm'));
    assert.match(r.stdout, /^NAME\s+STATUS\s+AGE/m);
  });

  it('serves api-resources from aggregated discovery', async () => {
    const r = await kite.kubectl(['api-resources']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^configmaps\s+cm\s+v1\s+true\s+ConfigMap/m);
    assert.match(r.stdout, /^namespaces\s+ns\s+v1\s+false\s+Namespace/m);
  });

  it('creates, reads, labels, annotates and deletes a configmap', async () => {
    let r = await kite.kubectl(['create', 'configmap', 'app-config', '--from-literal=mode=prod', '--from-literal=level=3']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /configmap\/app-config created/);

    r = await kite.kubectl(['get', 'configmap', 'app-config', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const cm = JSON.parse(r.stdout) as { data: Record<string, string>; metadata: { uid: string; resourceVersion: string } };
    assert.deepEqual(cm.data, { mode: 'prod', level: '3' });
    assert.ok(cm.metadata.uid);

    r = await kite.kubectl(['label', 'configmap', 'app-config', 'tier=backend']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['annotate', 'configmap', 'app-config', 'owner=team-a']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['get', 'cm', '-l', 'tier=backend', '-o', 'jsonpath={.items[*].metadata.annotations.owner}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'team-a');

    r = await kite.kubectl(['get', 'cm', '-l', 'tier=frontend']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /No resources found in default namespace/);

    r = await kite.kubectl(['delete', 'configmap', 'app-config']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /configmap "app-config" deleted/);
    r = await kite.kubectl(['get', 'configmap', 'app-config']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(NotFound\): configmaps "app-config" not found/);
  });

  it('creates a secret from literals (protobuf body) and stores it base64-encoded', async () => {
    let r = await kite.kubectl(['create', 'secret', 'generic', 'db', '--from-literal=password=s3cret']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['get', 'secret', 'db', '-o', 'jsonpath={.data.password}']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(Buffer.from(r.stdout, 'base64').toString(), 's3cret');
    r = await kite.kubectl(['get', 'secret', 'db']);
    assert.match(r.stdout, /^db\s+Opaque\s+1\s+/m);
  });

  it('answers AlreadyExists and Invalid like Kubernetes', async () => {
    let r = await kite.kubectl(['create', 'namespace', 'team-x']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['create', 'namespace', 'team-x']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Error from server \(AlreadyExists\): namespaces "team-x" already exists/);
    r = await kite.kubectl(['create', 'namespace', 'Bad_Name']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of/);
  });

  it('refuses objects in a namespace that does not exist', async () => {
    const r = await kite.kubectl(['create', 'configmap', 'x', '-n', 'nowhere', '--from-literal=a=b']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /namespaces "nowhere" not found/);
  });

  it('answers can-i for the admin', async () => {
    const r = await kite.kubectl(['auth', 'can-i', 'create', 'pods']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'yes');
  });
});
