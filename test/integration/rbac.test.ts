// RBAC with the real kubectl against a real `kite server`: a user with a client certificate signed
// by kite's client CA starts with nothing but discovery and can-i, gets what a RoleBinding grants,
// no more; impersonation (--as) is for system:masters; aggregated roles follow their pieces.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadCa } from '../../src/pki/ca.js';
import { issueClientCert } from '../../src/pki/certs.js';
import { writeKubeconfig } from '../../src/pki/kubeconfig.js';
import { type KiteServer, type KubectlResult, runKubectl, startKiteServer } from '../util/kite-server.js';

/** Retries a kubectl call until `done` holds: RBAC follows the watch caches, a moment behind a write. */
async function eventually(run: () => Promise<KubectlResult>, done: (r: KubectlResult) => boolean, timeoutMs = 5_000): Promise<KubectlResult> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await run();
    if (done(r) || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('RBAC through kubectl', () => {
  let kite: KiteServer;
  let janeDir: string;
  let asJane: (args: string[], stdin?: string) => Promise<KubectlResult>;

  before(async () => {
    kite = await startKiteServer();
    janeDir = await mkdtemp(join(tmpdir(), 'kite-jane-'));
    const tls = join(kite.dataDir, 'tls');
    const clientCa = await loadCa(await readFile(join(tls, 'client-ca.crt'), 'utf8'), await readFile(join(tls, 'client-ca.key'), 'utf8'));
    const cert = await issueClientCert(clientCa, { user: 'jane', groups: ['dev'] });
    const kubeconfig = join(janeDir, 'kubeconfig');
    await writeKubeconfig(kubeconfig, { server: kite.url, caPem: await readFile(join(tls, 'server-ca.crt'), 'utf8'), certPem: cert.certPem, keyPem: cert.keyPem, user: 'jane' });
    asJane = (args, stdin) => runKubectl(['--kubeconfig', kubeconfig, '--cache-dir', join(janeDir, 'cache'), ...args], stdin === undefined ? {} : { stdin });
  });
  after(async () => {
    await kite?.stop();
    if (janeDir) await rm(janeDir, { recursive: true, force: true });
  });

  it('serves the bootstrap roles and bindings', async () => {
    const roles = await kite.kubectl(['get', 'clusterroles']);
    assert.equal(roles.code, 0, roles.stderr);
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:discovery', 'system:basic-user', 'system:public-info-viewer', 'system:node', 'system:kube-scheduler', 'system:kube-controller-manager', 'system:aggregate-to-view']) {
      assert.match(roles.stdout, new RegExp(`^${name}\\s+\\d{4}-`, 'm'), name);
    }
    const bindings = await kite.kubectl(['get', 'clusterrolebindings', 'cluster-admin', '-o', 'jsonpath={.roleRef.name} {.subjects[0].kind} {.subjects[0].name} {.metadata.labels.kubernetes\\.io/bootstrapping}']);
    assert.equal(bindings.stdout, 'cluster-admin Group system:masters rbac-defaults');
    const view = await kite.kubectl(['get', 'clusterrole', 'view', '-o', 'json']);
    const rules = (JSON.parse(view.stdout) as { rules: Array<{ resources?: string[] }> }).rules;
    assert.ok(rules.some((r) => r.resources?.includes('pods')), 'view carries the aggregated rules');
  });

  it('refuses a user without bindings with Kubernetes\' message, but lets it discover and ask', async () => {
    const pods = await asJane(['get', 'pods']);
    assert.equal(pods.code, 1);
    assert.match(pods.stderr, /Error from server \(Forbidden\): pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default"$/m);
    const canI = await asJane(['auth', 'can-i', 'list', 'pods']);
    assert.equal(canI.stdout.trim(), 'no');
    const version = await asJane(['version', '-o', 'json']);
    assert.equal(version.code, 0, version.stderr);
  });

  it('grants what a RoleBinding to view grants, in its namespace only', async () => {
    const bind = await kite.kubectl(['create', 'rolebinding', 'jane-view', '--clusterrole=view', '--user=jane']);
    assert.equal(bind.code, 0, bind.stderr);
    const pods = await eventually(() => asJane(['get', 'pods']), (r) => r.code === 0);
    assert.equal(pods.code, 0, pods.stderr);
    assert.match(pods.stderr, /No resources found in default namespace/);
    const create = await asJane(['create', 'configmap', 'x', '--from-literal=a=b']);
    assert.equal(create.code, 1);
    assert.match(create.stderr, /configmaps is forbidden: User "jane" cannot create resource "configmaps" in API group "" in the namespace "default"/);
    const secrets = await asJane(['get', 'secrets']);
    assert.match(secrets.stderr, /secrets is forbidden: User "jane" cannot list resource "secrets"/);
    // A namespace is authorized within itself: view in default lets jane read the default namespace.
    const ownNamespace = await asJane(['get', 'namespace', 'default', '-o', 'name']);
    assert.equal(ownNamespace.stdout.trim(), 'namespace/default', ownNamespace.stderr);
    const otherNamespace = await asJane(['get', 'namespace', 'kube-system']);
    assert.match(otherNamespace.stderr, /namespaces "kube-system" is forbidden/);
    const elsewhere = await asJane(['get', 'pods', '-n', 'kube-system']);
    assert.match(elsewhere.stderr, /pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "kube-system"/);
  });

  it('answers can-i for another user through impersonation, which only system:masters may use', async () => {
    const deploy = await kite.kubectl(['auth', 'can-i', 'create', 'deployments', '--as=jane']);
    assert.equal(deploy.stdout.trim(), 'no');
    assert.equal(deploy.code, 1);
    const list = await kite.kubectl(['auth', 'can-i', 'list', 'deployments.apps', '--as=jane']);
    assert.equal(list.stdout.trim(), 'yes');
    const asGroup = await kite.kubectl(['get', 'pods', '--as=jane', '--as-group=dev']);
    assert.equal(asGroup.code, 0, asGroup.stderr);
    const escalate = await asJane(['get', 'secrets', '--as=system:admin', '--as-group=system:masters']);
    assert.equal(escalate.code, 1);
    assert.match(escalate.stderr, /users "system:admin" is forbidden: User "jane" cannot impersonate resource "users" in API group "" at the cluster scope/);
  });

  it('lists the rules of the user for kubectl auth can-i --list', async () => {
    const r = await asJane(['auth', 'can-i', '--list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    assert.match(r.stdout, /^deployments\.apps\s+\[\]\s+\[\]\s+\[get list watch\]$/m);
    assert.match(r.stdout, /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m);
    assert.match(r.stdout, /^\s+\[\/api\/\*\]\s+\[\]\s+\[get\]$/m);
    assert.doesNotMatch(r.stdout, /^secrets\s/m);
    const system = await asJane(['auth', 'can-i', '--list', '-n', 'kube-system']);
    assert.doesNotMatch(system.stdout, /^pods\s/m, 'the RoleBinding is in default');
  });

  it('extends view when a ClusterRole labelled aggregate-to-view appears', async () => {
    const manifest = JSON.stringify({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'secret-reader', labels: { 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
    });
    const apply = await kite.kubectl(['apply', '-f', '-'], { stdin: manifest });
    assert.equal(apply.code, 0, apply.stderr);
    const canI = await eventually(() => asJane(['auth', 'can-i', 'list', 'secrets']), (r) => r.stdout.trim() === 'yes');
    assert.equal(canI.stdout.trim(), 'yes');
    const list = await asJane(['get', 'secrets']);
    assert.equal(list.code, 0, list.stderr);
    assert.equal((await asJane(['auth', 'can-i', 'delete', 'secrets'])).stdout.trim(), 'no');
    const edit = await kite.kubectl(['get', 'clusterrole', 'edit', '-o', 'json']);
    const editRules = (JSON.parse(edit.stdout) as { rules: Array<{ resources?: string[]; verbs?: string[] }> }).rules;
    assert.ok(editRules.some((r) => r.resources?.includes('secrets') && r.verbs?.includes('list')), 'view -> edit');
    const del = await kite.kubectl(['delete', 'clusterrole', 'secret-reader']);
    assert.equal(del.code, 0, del.stderr);
    const gone = await eventually(() => asJane(['auth', 'can-i', 'list', 'secrets']), (r) => r.stdout.trim() === 'no');
    assert.equal(gone.stdout.trim(), 'no');
  });

  it('lets a namespace admin bind what it holds but not escalate to cluster-admin', async () => {
    assert.equal((await kite.kubectl(['create', 'namespace', 'team'])).code, 0);
    const admin = await kite.kubectl(['create', 'rolebinding', 'jane-admin', '--clusterrole=admin', '--user=jane', '-n', 'team']);
    assert.equal(admin.code, 0, admin.stderr);
    const view = await eventually(() => asJane(['create', 'rolebinding', 'bob-view', '--clusterrole=view', '--user=bob', '-n', 'team']), (r) => r.code === 0);
    assert.equal(view.code, 0, view.stderr);
    const root = await asJane(['create', 'rolebinding', 'bob-root', '--clusterrole=cluster-admin', '--user=bob', '-n', 'team']);
    assert.equal(root.code, 1);
    assert.match(root.stderr, /rolebindings\.rbac\.authorization\.k8s\.io "bob-root" is forbidden: user "jane" \(groups=\["dev" "system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}/);
    const crb = await asJane(['create', 'clusterrolebinding', 'bob-root', '--clusterrole=view', '--user=bob']);
    assert.match(crb.stderr, /clusterrolebindings\.rbac\.authorization\.k8s\.io is forbidden: User "jane" cannot create resource "clusterrolebindings"/);
  });

  it('takes access away when the binding goes, naming a missing role when one is referenced', async () => {
    const del = await kite.kubectl(['delete', 'rolebinding', 'jane-view']);
    assert.equal(del.code, 0, del.stderr);
    const pods = await eventually(() => asJane(['get', 'pods']), (r) => r.code !== 0);
    assert.match(pods.stderr, /pods is forbidden: User "jane" cannot list resource "pods"/);
    const dangling = await kite.kubectl(['create', 'rolebinding', 'dangling', '--clusterrole=no-such-role', '--group=dev']);
    assert.equal(dangling.code, 0, dangling.stderr);
    const refused = await eventually(() => asJane(['get', 'pods']), (r) => r.stderr.includes('RBAC'));
    assert.match(refused.stderr, /pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "default": RBAC: clusterrole\.rbac\.authorization\.k8s\.io "no-such-role" not found/);
  });
});
