// Runs the real kubectl (1.32, via the dispatcher on PATH) against a tiny recording API server,
// decodes the protobuf bodies it sends, and checks them against the same objects as kubectl prints
// them with `--dry-run=client -o json` (Go's own JSON encoding of the object it would send).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeKubernetesProtobuf, isProtobufContentType } from './decode.js';
import type { JsonObject, JsonValue } from './to-json.js';

interface Recorded {
  method: string;
  url: string;
  contentType: string;
  object: JsonObject;
}

const kubectlOnPath = (): Promise<boolean> =>
  new Promise((resolve) => execFile('kubectl', ['version', '--client'], (err) => resolve(!err)));

// [group, version, resource, kind, namespaced]
const resources: [string, string, string, string, boolean][] = [
  ['', 'v1', 'pods', 'Pod', true],
  ['', 'v1', 'namespaces', 'Namespace', false],
  ['', 'v1', 'secrets', 'Secret', true],
  ['', 'v1', 'configmaps', 'ConfigMap', true],
  ['', 'v1', 'services', 'Service', true],
  ['', 'v1', 'serviceaccounts', 'ServiceAccount', true],
  ['', 'v1', 'resourcequotas', 'ResourceQuota', true],
  ['apps', 'v1', 'deployments', 'Deployment', true],
  ['batch', 'v1', 'jobs', 'Job', true],
  ['batch', 'v1', 'cronjobs', 'CronJob', true],
  ['rbac.authorization.k8s.io', 'v1', 'roles', 'Role', true],
  ['rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', false],
  ['rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', true],
  ['rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', false],
  ['authorization.k8s.io', 'v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false],
  ['authorization.k8s.io', 'v1', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', false],
  ['policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true],
  ['networking.k8s.io', 'v1', 'ingresses', 'Ingress', true],
  ['scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false],
  ['certificates.k8s.io', 'v1', 'certificatesigningrequests', 'CertificateSigningRequest', false],
];

/** What GET of the CertificateSigningRequest "csr-1" returns (for `kubectl certificate approve`). */
const csr: JsonObject = {
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name: 'csr-1', uid: 'u-1', resourceVersion: '7', creationTimestamp: '2025-01-02T03:04:05Z' },
  spec: {
    request: Buffer.from('-----BEGIN CERTIFICATE REQUEST-----\n').toString('base64'),
    signerName: 'kubernetes.io/kube-apiserver-client',
    expirationSeconds: 3600,
    usages: ['client auth'],
    username: 'alice',
    groups: ['system:authenticated'],
    extra: { scopes: ['a', 'b'] },
  },
  status: {},
};

/** Aggregated discovery (KUBECTL-WIRE §2) for the legacy group ("") or all named groups. */
const discovery = (legacy: boolean): JsonObject => {
  const groups = new Map<string, JsonValue[]>();
  for (const [group, version, resource, kind, namespaced] of resources) {
    if ((group === '') !== legacy) continue;
    const list = groups.get(group) ?? [];
    list.push({
      resource,
      responseKind: { group, version, kind },
      scope: namespaced ? 'Namespaced' : 'Cluster',
      singularResource: kind.toLowerCase(),
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    });
    groups.set(group, list);
  }
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: 'apidiscovery.k8s.io/v2',
    metadata: {},
    items: [...groups].map(([name, list]) => ({
      metadata: { name },
      versions: [{ version: 'v1', freshness: 'Current', resources: list }],
    })),
  };
};

const send = (res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void => {
  res.writeHead(code, { 'Content-Type': contentType });
  res.end(JSON.stringify(body));
};

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** Records every write; answers with the decoded object so kubectl prints its normal success line. */
const handle = async (req: IncomingMessage, res: ServerResponse, recorded: Recorded[]): Promise<void> => {
  const url = req.url ?? '/';
  const path = url.split('?')[0];
  if (req.method === 'GET' && path === '/version') {
    send(res, 200, { major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' });
  } else if (req.method === 'GET' && (path === '/api' || path === '/apis')) {
    send(res, 200, discovery(path === '/api'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
  } else if (req.method === 'GET' && path === '/apis/certificates.k8s.io/v1/certificatesigningrequests/csr-1') {
    send(res, 200, csr);
  } else if (req.method === 'POST' || req.method === 'PUT') {
    const body = await readBody(req);
    const contentType = req.headers['content-type'] ?? '';
    const object = isProtobufContentType(contentType)
      ? decodeKubernetesProtobuf(body).object
      : (JSON.parse(body.toString('utf8')) as JsonObject);
    recorded.push({ method: req.method, url, contentType, object });
    let reply = object;
    if (path.endsWith('accessreviews')) reply = { ...object, status: { allowed: true } };
    if (path.endsWith('/token')) reply = { ...object, status: { token: 'tok-123', expirationTimestamp: '2030-01-01T00:00:00Z' } };
    send(res, 201, reply);
  } else {
    send(res, 404, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NotFound', code: 404 });
  }
};

/** Removes what Go's JSON shows but protobuf cannot carry: nulls (zero Time, nil slices). */
const withoutNulls = (value: JsonValue): JsonValue => {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
};

describe('real kubectl 1.32 protobuf bodies', { timeout: 180_000 }, () => {
  let server: Server;
  let base = '';
  let dir = '';
  let available = false;
  const recorded: Recorded[] = [];

  before(async () => {
    available = await kubectlOnPath();
    dir = mkdtempSync(join(tmpdir(), 'kite-protobuf-kubectl-'));
    server = createServer((req, res) => {
      handle(req, res, recorded).catch((err: unknown) => send(res, 500, { message: String(err) }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const kubectl = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      const env = { ...process.env, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') };
      const all = ['--server', base, '--cache-dir', join(dir, 'cache'), ...args]; // flags before a `--`
      execFile('kubectl', all, { env, timeout: 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolve({ code, stdout, stderr });
      });
    });

  /** Runs a `kubectl create ...`, returns the one write it made, and checks it equals the dry-run JSON. */
  const createAndCompare = async (args: string[]): Promise<Recorded> => {
    const dashes = args.includes('--') ? args.indexOf('--') : args.length;
    const printed = await kubectl([...args.slice(0, dashes), '--dry-run=client', '-o', 'json', ...args.slice(dashes)]);
    assert.equal(printed.code, 0, printed.stderr);
    const before = recorded.length;
    const run = await kubectl(args);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(recorded.length, before + 1, 'exactly one write');
    const write = recorded[recorded.length - 1]!;
    assert.ok(isProtobufContentType(write.contentType), `protobuf body expected, got ${write.contentType}`);
    assert.deepEqual(write.object, withoutNulls(JSON.parse(printed.stdout) as JsonObject));
    return write;
  };

  it('create deployment --replicas=0 keeps the pointer zero', async (t) => {
    if (!available) return t.skip('kubectl not on PATH');
    const w = await createAndCompare(['create', 'deployment', 'web', '--image=nginx', '--replicas=0', '--port=80']);
    assert.match(w.url, /^\/apis\/apps\/v1\/namespaces\/default\/deployments\?/);
    const spec = w.object.spec as JsonObject;
    assert.equal(spec.replicas, 0);
    assert.deepEqual(spec.selector, { matchLabels: { app: 'web' } });
    assert.deepEqual(w.object.status, {});
    assert.equal((w.object.metadata as JsonObject).creationTimestamp, undefined);
  });

  it('create secret generic --from-literal=a=b', async (t) => {
    if (!available) return t.skip('kubectl not on PATH');
    const w = await createAndCompare(['create', 'secret', 'generic', 's', '--from-literal=a=b']);
    assert.deepEqual(w.object, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { a: 'Yg==' } });
  });

  it('create namespace x', async (t) => {
    if (!available) return t.skip('kubectl not on PATH');
    const w = await createAndCompare(['create', 'namespace', 'x']);
    assert.deepEqual(w.object, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' }, spec: {}, status: {} });
  });

  it('create role (after discovery)', async (t) => {
    if (!available) return t.skip('kubectl not on PATH');
    const w = await createAndCompare(['create', 'role', 'r', '--verb=get', '--resource=pods']);
    assert.deepEqual(w.object.rules, [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }]);
  });

  const others: [string, string[]][] = [
    ['rolebinding', ['create', 'rolebinding', 'rb', '--role=r', '--user=alice', '--serviceaccount=default:sa']],
    ['clusterrole', ['create', 'clusterrole', 'cr', '--verb=get', '--resource=deployments.apps,pods/log', '--non-resource-url=/healthz']],
    ['clusterrolebinding', ['create', 'clusterrolebinding', 'crb', '--clusterrole=cr', '--group=devs']],
    ['configmap', ['create', 'configmap', 'cm', '--from-literal=k=v', '--from-literal=e=']],
    ['service clusterip', ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080', '--tcp=443']],
    ['service nodeport', ['create', 'service', 'nodeport', 'np', '--tcp=80:http', '--node-port=30080']],
    ['serviceaccount', ['create', 'serviceaccount', 'sa']],
    ['job', ['create', 'job', 'j', '--image=busybox', '--', 'sh', '-c', 'echo hi']],
    ['cronjob', ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *', '--restart=OnFailure', '--', 'date']],
    ['quota', ['create', 'quota', 'q', '--hard=cpu=2,memory=1Gi,pods=10']],
    ['poddisruptionbudget', ['create', 'poddisruptionbudget', 'pdb', '--selector=app=web', '--min-available=0']],
    ['priorityclass', ['create', 'priorityclass', 'high', '--value=1000', '--description=important']],
    ['ingress', ['create', 'ingress', 'ing', '--rule=example.com/api*=svc:80', '--class=nginx']],
    ['secret tls-less docker-registry', ['create', 'secret', 'docker-registry', 'reg', '--docker-username=u', '--docker-password=p']],
  ];
  for (const [name, args] of others) {
    it(`create ${name} decodes to the dry-run JSON`, async (t) => {
      if (!available) return t.skip('kubectl not on PATH');
      await createAndCompare(args);
    });
  }

  it('auth can-i create pods sends a SelfSubjectAccessReview', async (t) => {
    if (!available) return t.skip('kubectl not on PATH');
    const run = await kubectl(['auth', 'can-i', 'create', 'pods']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'yes');
    const w = recorded.filter((r) => r.url.startsWith('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews')).at(-1)!;
    assert.ok(isProtobufContentType(w.contentType));
    assert.deepEqual(w.object, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      metadata: {},
      spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
      status: { allowed: false },
    });
  });

  it('auth can-i --list sends a SelfSubjectRulesReview', async (t) => {
    if (!available) return t.skip('kubectl not on PATH');
    const run = await kubectl(['auth', 'can-i', '--list', '-n', 'team']);
    assert.equal(run.code, 0, run.stderr);
    const w = recorded.filter((r) => r.url.startsWith('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews')).at(-1)!;
    assert.ok(isProtobufContentType(w.contentType));
    assert.deepEqual(w.object, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectRulesReview',
      metadata: {},
      spec: { namespace: 'team' },
      status: { incomplete: false },
    });
  });

  it('create token sends a TokenRequest', async (t) => {
    if (!available) return t.skip('kubectl not on PATH');
    const run = await kubectl(['create', 'token', 'sa', '--audience=kite', '--duration=10m']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'tok-123');
    const w = recorded.at(-1)!;
    assert.match(w.url, /^\/api\/v1\/namespaces\/default\/serviceaccounts\/sa\/token/);
    assert.ok(isProtobufContentType(w.contentType));
    assert.deepEqual(w.object, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: { audiences: ['kite'], expirationSeconds: 600 },
      status: { token: '' },
    });
  });

  it('certificate approve PUTs the CertificateSigningRequest back with an Approved condition', async (t) => {
    if (!available) return t.skip('kubectl not on PATH');
    const run = await kubectl(['certificate', 'approve', 'csr-1']);
    assert.equal(run.code, 0, run.stderr);
    const w = recorded.at(-1)!;
    assert.equal(w.method, 'PUT');
    assert.match(w.url, /^\/apis\/certificates.k8s.io\/v1\/certificatesigningrequests\/csr-1\/approval/);
    assert.ok(isProtobufContentType(w.contentType));
    const status = w.object.status as { conditions: JsonObject[] };
    assert.equal(status.conditions.length, 1);
    const condition = status.conditions[0]!;
    assert.match(String(condition.lastUpdateTime), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual({ ...condition, lastUpdateTime: undefined }, {
      type: 'Approved',
      status: 'True',
      reason: 'KubectlApprove',
      message: 'This CSR was approved by kubectl certificate approve.',
      lastUpdateTime: undefined,
    });
    assert.deepEqual({ ...w.object, status: {} }, csr, 'everything else round-trips unchanged');
  });
});
