// kubectl apply (client- and server-side), diff, patch in all four types, scale, set image and
// explain against kite, with a Deployment (no controllers needed: objects just persist).
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type KiteServer, startKiteServer } from '../util/kite-server.js';

const deployment = (replicas: number, envValue: string, extra = ''): string => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: webserver
  labels: {app: apache}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: apache}
  template:
    metadata:
      labels: {app: apache}
    spec:
      containers:
      - name: php-apache
        image: php:8-apache
        ports:
        - containerPort: 80
        env:
        - {name: MODE, value: "${envValue}"}
${extra}`;

describe('kubectl apply, diff, patch and scale against kite', () => {
  let kite: KiteServer;
  let file: string;
  const json = async (args: string[]): Promise<Record<string, any>> => {
    const r = await kite.kubectl([...args, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as Record<string, any>;
  };

  before(async () => {
    // Objects just persist here: no controllers change their status under the assertions.
    kite = await startKiteServer({ args: ['--disable-controllers', '--disable-scheduler'] });
    file = join(kite.dataDir, 'deployment.yaml');
  });
  after(async () => {
    await kite?.stop();
  });

  it('creates with apply, then updates with a strategic merge patch', async () => {
    await writeFile(file, deployment(3, 'one'));
    let r = await kite.kubectl(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment.apps\/webserver created/);

    r = await kite.kubectl(['apply', '-f', file]);
    assert.match(r.stdout, /deployment.apps\/webserver unchanged/);

    await writeFile(file, deployment(4, 'two'));
    r = await kite.kubectl(['diff', '-f', file]);
    assert.equal(r.code, 1, 'diff exits 1 when there are differences');
    assert.match(r.stdout, /-  replicas: 3\n\+  replicas: 4/);

    r = await kite.kubectl(['apply', '-f', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /configured/);
    const d = await json(['get', 'deployment', 'webserver']);
    assert.equal(d.spec.replicas, 4);
    assert.deepEqual(d.spec.template.spec.containers[0].env, [{ name: 'MODE', value: 'two' }]);
    assert.equal(d.metadata.generation, 2);
    assert.equal(d.spec.strategy.rollingUpdate.maxSurge, '25%', 'defaults are applied');
    assert.equal(d.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
  });

  it('rejects unknown fields under Strict validation and bad specs with 422', async () => {
    await writeFile(file, deployment(3, 'one').replace('replicas: 3', 'replicas: 3\n  replicass: 4'));
    let r = await kite.kubectl(['apply', '-f', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /unknown field "spec.replicass"/);

    await writeFile(file, deployment(-1, 'one'));
    r = await kite.kubectl(['apply', '-f', file]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /spec.replicas: Invalid value: -1: must be greater than or equal to 0/);
  });

  it('scales through /scale, also with --current-replicas', async () => {
    let r = await kite.kubectl(['scale', 'deployment', 'webserver', '--replicas=5']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['scale', 'deployment', 'webserver', '--current-replicas=5', '--replicas=2']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['scale', 'deployment', 'webserver', '--current-replicas=9', '--replicas=1']);
    assert.equal(r.code, 1, 'a stale --current-replicas is refused');
    assert.equal((await json(['get', 'deployment', 'webserver'])).spec.replicas, 2);
  });

  it('sets an image and patches with merge, JSON and strategic patches', async () => {
    let r = await kite.kubectl(['set', 'image', 'deployment/webserver', 'php-apache=php:9-apache']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['patch', 'deployment', 'webserver', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"web"}}}']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['patch', 'deployment', 'webserver', '--type=json', '-p', '[{"op":"add","path":"/spec/minReadySeconds","value":5}]']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['patch', 'deployment', 'webserver', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox"}]}}}}']);
    assert.equal(r.code, 0, r.stderr);
    const d = await json(['get', 'deployment', 'webserver']);
    assert.deepEqual(d.spec.template.spec.containers.map((c: { name: string; image: string }) => `${c.name}=${c.image}`), ['sidecar=busybox', 'php-apache=php:9-apache']);
    assert.equal(d.metadata.labels.tier, 'web');
    assert.equal(d.spec.minReadySeconds, 5);

    r = await kite.kubectl(['patch', 'deployment', 'webserver', '--type=json', '-p', '[{"op":"test","path":"/spec/replicas","value":99}]']);
    assert.equal(r.code, 1, 'a failed JSON patch test op is an error');
  });

  it('applies server-side with field ownership and conflicts', async () => {
    const ssaFile = join(kite.dataDir, 'ssa.yaml');
    await writeFile(ssaFile, deployment(6, 'ssa').replace('name: webserver', 'name: ssa-web'));
    let r = await kite.kubectl(['apply', '--server-side', '-f', ssaFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /serverside-applied/);
    r = await kite.kubectl(['scale', 'deployment', 'ssa-web', '--replicas=7']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['apply', '--server-side', '-f', ssaFile]);
    assert.equal(r.code, 1, 'replicas is now owned by another manager');
    assert.match(r.stderr, /conflict/i);
    assert.match(r.stderr, /\.spec\.replicas/);
    r = await kite.kubectl(['apply', '--server-side', '--force-conflicts', '-f', ssaFile]);
    assert.equal(r.code, 0, r.stderr);
    const d = await json(['get', 'deployment', 'ssa-web', '--show-managed-fields']);
    assert.equal(d.spec.replicas, 6);
    assert.ok(d.metadata.managedFields.some((m: { manager: string; operation: string }) => m.manager === 'kubectl' && m.operation === 'Apply'));
  });

  it('prints tables: -o wide, --sort-by, -l, --field-selector, -A, jsonpath', async () => {
    let r = await kite.kubectl(['get', 'deployments', '-o', 'wide']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/m);
    assert.match(r.stdout, /^webserver\s+0\/2\s+0\s+0\s+\S+\s+sidecar,php-apache\s+busybox,php:9-apache\s+app=apache/m);
    r = await kite.kubectl(['get', 'deploy', '--sort-by=.spec.replicas', '-o', 'name']);
    assert.deepEqual(r.stdout.trim().split('\n'), ['deployment.apps/webserver', 'deployment.apps/ssa-web']);
    r = await kite.kubectl(['get', 'deploy', '-l', 'tier=web', '-o', 'name']);
    assert.equal(r.stdout.trim(), 'deployment.apps/webserver');
    r = await kite.kubectl(['get', 'deploy', '--field-selector', 'metadata.name=ssa-web', '-o', 'name']);
    assert.equal(r.stdout.trim(), 'deployment.apps/ssa-web');
    r = await kite.kubectl(['get', 'deploy', '--field-selector', 'spec.replicas=2']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /is not a known field selector|field label not supported/);
    r = await kite.kubectl(['get', 'deploy', '-A']);
    assert.match(r.stdout, /^NAMESPACE\s+NAME\s+READY/m);
    assert.match(r.stdout, /^default\s+webserver\s+/m);
    r = await kite.kubectl(['get', 'deploy', 'webserver', '-o', 'jsonpath={.spec.template.spec.containers[*].name}']);
    assert.equal(r.stdout, 'sidecar php-apache');
    r = await kite.kubectl(['get', 'deploy', 'webserver', '-o', 'yaml']);
    assert.match(r.stdout, /^kind: Deployment$/m);
  });

  it('explains fields from the OpenAPI v3 documents', async () => {
    const r = await kite.kubectl(['explain', 'deployment.spec.replicas']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /FIELD: replicas <integer>/);
  });

  it('creates with kubectl create (protobuf bodies) and dry-runs on the server', async () => {
    let r = await kite.kubectl(['create', 'deployment', 'nginx', '--image=nginx:1.27', '--replicas=2']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['create', 'deployment', 'dry', '--image=nginx', '--dry-run=server', '-o', 'jsonpath={.metadata.uid}']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['get', 'deployment', 'dry']);
    assert.equal(r.code, 1, 'a server dry run stores nothing');
    r = await kite.kubectl(['delete', 'deployment', 'nginx', '--dry-run=server']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['get', 'deployment', 'nginx', '-o', 'name']);
    assert.equal(r.stdout.trim(), 'deployment.apps/nginx');
  });

  it('deletes and waits for the deletion', async () => {
    let r = await kite.kubectl(['delete', 'deployment', 'nginx']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['wait', '--for=delete', 'deployment/ssa-web', '--timeout=1s']);
    assert.equal(r.code, 1, 'waiting for a delete that never happens times out');
    r = await kite.kubectl(['delete', 'deployment', 'ssa-web', '--wait=true']);
    assert.equal(r.code, 0, r.stderr);
    r = await kite.kubectl(['get', 'deployments', '-o', 'name']);
    assert.equal(r.stdout.trim(), 'deployment.apps/webserver');
  });
});
