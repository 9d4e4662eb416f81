// The real kubectl (1.32, through the dispatcher on PATH) reads kite's OpenAPI v3 documents: `kubectl explain`
// needs the root index, the GroupVersion document and its component schemas with nested $refs.
// The server here is a minimal fake: /version, aggregated discovery (KUBECTL-WIRE §2) and /openapi/v3.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildOpenAPIV3, serveOpenAPIV3, type ServedResource } from '../../src/apiserver/openapi/openapi-v3.js';

const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const RESOURCES: ServedResource[] = [
  { group: '', version: 'v1', kind: 'Pod', resource: 'pods', namespaced: true, verbs: ALL, subresources: [{ subresource: 'status', verbs: ['get', 'patch', 'update'] }] },
  { group: '', version: 'v1', kind: 'Service', resource: 'services', namespaced: true, verbs: ALL },
  { group: 'apps', version: 'v1', kind: 'Deployment', resource: 'deployments', namespaced: true, verbs: ALL, subresources: [
    { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
    { subresource: 'status', verbs: ['get', 'patch', 'update'] },
  ] },
];

function kubectlAvailable(): boolean {
  try { execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore', timeout: 20_000 }); return true; } catch { return false; }
}

function discovery(core: boolean): unknown {
  const groups = new Map<string, ServedResource[]>();
  for (const r of RESOURCES.filter((r) => (r.group === '') === core)) groups.set(r.group, [...(groups.get(r.group) ?? []), r]);
  return {
    kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {},
    items: [...groups].map(([group, resources]) => ({
      metadata: { name: group },
      versions: [{ version: 'v1', freshness: 'Current', resources: resources.map((r) => ({
        resource: r.resource, singularResource: r.kind.toLowerCase(), scope: r.namespaced ? 'Namespaced' : 'Cluster',
        responseKind: { group: r.group, version: r.version, kind: r.kind }, verbs: r.verbs,
        subresources: (r.subresources ?? []).map((s) => ({ subresource: s.subresource, responseKind: s.responseKind ?? { group: r.group, version: r.version, kind: r.kind }, verbs: s.verbs })),
      })) }],
    })),
  };
}

const openapi = buildOpenAPIV3(RESOURCES);
let server: Server;
let base = '';
let cacheDir = '';
const requests: string[] = [];
const available = kubectlAvailable();

before(async () => {
  cacheDir = mkdtempSync(join(tmpdir(), 'kite-explain-'));
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(url.pathname);
    const json = (status: number, body: unknown, type = 'application/json') => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/version') return json(200, { major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' });
    if (url.pathname === '/api' || url.pathname === '/apis') {
      return json(200, discovery(url.pathname === '/api'), 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList');
    }
    if (req.method === 'POST') {
      // Echo the created object: enough for `kubectl create -f` to print "created".
      let body = '';
      req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      req.on('end', () => {
        requests.push(`POST ${url.pathname}?${url.searchParams.toString()}`);
        const obj = JSON.parse(body) as { metadata?: Record<string, unknown> };
        obj.metadata = { ...obj.metadata, uid: 'u1', resourceVersion: '1', creationTimestamp: '2025-01-01T00:00:00Z' };
        json(201, obj);
      });
      return;
    }
    const answer = serveOpenAPIV3(openapi, url.pathname, url.searchParams, req.headers['if-none-match']);
    if (answer) {
      res.writeHead(answer.status, answer.headers);
      return res.end(answer.body);
    }
    json(404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(cacheDir, { recursive: true, force: true });
});

async function kubectl(args: string[], input?: string): Promise<string> {
  const child = promisify(execFile)('kubectl', [...args, '--server', base, '--cache-dir', cacheDir], {
    env: { ...process.env, KUBECONFIG: join(cacheDir, 'no-kubeconfig') }, timeout: 60_000,
  });
  if (input !== undefined) { child.child.stdin!.end(input); }
  return (await child).stdout;
}

async function explain(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('kubectl', ['explain', ...args, '--server', base, '--cache-dir', cacheDir], {
    env: { ...process.env, KUBECONFIG: join(cacheDir, 'no-kubeconfig') }, timeout: 60_000,
  });
  return stdout;
}

test('kubectl explain deployment.spec.replicas reads the apps/v1 document', { skip: !available && 'kubectl not on PATH' }, async () => {
  const out = await explain('deployment.spec.replicas');
  assert.match(out, /GROUP:\s+apps/);
  assert.match(out, /KIND:\s+Deployment/);
  assert.match(out, /VERSION:\s+v1/);
  assert.match(out, /FIELD:\s+replicas <integer>/);
  assert.match(out, /Number of desired pods/);
  assert.ok(requests.includes('/openapi/v3/apis/apps/v1'), `requests: ${requests.join(' ')}`);
});

test('kubectl explain follows $refs through arrays and maps into core schemas', { skip: !available && 'kubectl not on PATH' }, async () => {
  const ports = await explain('deployment.spec.template.spec.containers.ports');
  assert.match(ports, /FIELD:\s+ports <\[\]ContainerPort>/);
  assert.match(ports, /containerPort\s+<integer> -required-/);
  const pod = await explain('pods.spec.containers.resources');
  assert.match(pod, /KIND:\s+Pod/);
  assert.match(pod, /limits\s+<map\[string\]Quantity>/);
  const service = await explain('service.spec.ports.targetPort');
  assert.match(service, /FIELD:\s+targetPort <IntOrString>/);
});

test('kubectl create -f validates through the server: it finds fieldValidation on the patch operation and sends Strict',
  { skip: !available && 'kubectl not on PATH' }, async () => {
    const manifest = JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } } });
    const out = await kubectl(['create', '-f', '-'], manifest);
    assert.match(out, /deployment.apps\/web created/);
    const post = requests.find((r) => r.startsWith('POST /apis/apps/v1/namespaces/default/deployments'));
    assert.ok(post, `requests: ${requests.join(' ')}`);
    assert.match(post, /fieldValidation=Strict/);
    assert.ok(!requests.includes('/openapi/v2'), 'kubectl fell back to OpenAPI v2');
  });
