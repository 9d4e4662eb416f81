// RestClient against a scripted HTTPS server: what goes on the wire, how answers are read.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Server, createServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { StatusError } from '../apimachinery/errors.js';
import { hasOpenssl, makeTestPki, type TestPki } from '../../test/util/tls-certs.js';
import { RestClient } from './rest-client.js';
import { CONFIGMAPS, DEPLOYMENTS, NODES, PODS } from './resources.js';
import type { WatchEvent } from './types.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let pki: TestPki;
let server: Server;
let url: string;
let handler: (req: IncomingMessage, res: ServerResponse, body: string) => void = () => {};
const seen: Seen[] = [];
const connections = new Set<Socket>();
let connectionCount = 0;

const skip = !hasOpenssl();

before(async () => {
  if (skip) return;
  pki = makeTestPki();
  server = createServer({ cert: readFileSync(pki.serverCertFile), key: readFileSync(pki.serverKeyFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handler(req, res, body);
    });
  });
  server.on('secureConnection', (socket: Socket) => {
    connectionCount++;
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  if (skip) return;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  pki.remove();
});

const json = (res: ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const newClient = (extra: Partial<ConstructorParameters<typeof RestClient>[0]> = {}): RestClient =>
  new RestClient({ server: url, caPem: readFileSync(pki.caFile, 'utf8'), ...extra });

test('paths, query strings, headers and bodies follow the Kubernetes API conventions', { skip }, async () => {
  seen.length = 0;
  handler = (_req, res) => json(res, 200, { kind: 'Thing', apiVersion: 'v1', metadata: {}, items: [] });
  const client = newClient({ token: 'secret-token', userAgent: 'kite-test/1' });
  await client.list(PODS, 'ns1', { labelSelector: 'app=web,tier!=db', fieldSelector: 'spec.nodeName=n1', limit: 10, continue: 'tok', resourceVersion: '5' });
  await client.get(NODES, undefined, 'node-1');
  await client.get(DEPLOYMENTS, 'prod', 'web', { subresource: 'scale' });
  await client.create(PODS, 'ns1', { metadata: { name: 'p1' }, target: { name: 'n1' } }, { subresource: 'binding' });
  await client.update(DEPLOYMENTS, undefined, { metadata: { name: 'web', namespace: 'prod' } }, { fieldManager: 'kite', dryRun: true });
  await client.updateStatus(PODS, 'ns1', { metadata: { name: 'p1' }, status: { phase: 'Running' } });
  await client.patch(CONFIGMAPS, 'ns1', 'c', 'strategic', { data: { a: 'b' } });
  await client.patch(CONFIGMAPS, 'ns1', 'c', 'apply', { data: { a: 'b' } }, { fieldManager: 'me', force: true });
  await client.delete(PODS, 'ns1', 'p1', { gracePeriodSeconds: 0, propagationPolicy: 'Background' });
  await client.delete(PODS, 'ns1', 'p2');
  await client.deleteCollection(CONFIGMAPS, 'ns1', { labelSelector: 'x=y' });
  client.close();

  assert.deepEqual(
    seen.map((s) => `${s.method} ${s.url}`),
    [
      'GET /api/v1/namespaces/ns1/pods?labelSelector=app%3Dweb%2Ctier%21%3Ddb&fieldSelector=spec.nodeName%3Dn1&limit=10&continue=tok&resourceVersion=5',
      'GET /api/v1/nodes/node-1',
      'GET /apis/apps/v1/namespaces/prod/deployments/web/scale',
      'POST /api/v1/namespaces/ns1/pods/p1/binding',
      'PUT /apis/apps/v1/namespaces/prod/deployments/web?dryRun=All&fieldManager=kite',
      'PUT /api/v1/namespaces/ns1/pods/p1/status',
      'PATCH /api/v1/namespaces/ns1/configmaps/c',
      'PATCH /api/v1/namespaces/ns1/configmaps/c?fieldManager=me&force=true',
      'DELETE /api/v1/namespaces/ns1/pods/p1',
      'DELETE /api/v1/namespaces/ns1/pods/p2',
      'DELETE /api/v1/namespaces/ns1/configmaps?labelSelector=x%3Dy',
    ],
  );
  assert.equal(seen[0]!.headers['authorization'], 'Bearer secret-token');
  assert.equal(seen[0]!.headers['user-agent'], 'kite-test/1');
  assert.equal(seen[0]!.headers['accept'], 'application/json');
  assert.equal(seen[3]!.headers['content-type'], 'application/json');
  assert.equal(seen[6]!.headers['content-type'], 'application/strategic-merge-patch+json');
  assert.equal(seen[7]!.headers['content-type'], 'application/apply-patch+yaml');
  assert.deepEqual(JSON.parse(seen[8]!.body), { kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, propagationPolicy: 'Background' });
  assert.equal(seen[9]!.body, '', 'no DeleteOptions body when none was given');
  assert.ok(connectionCount <= 2, `keep-alive reuses connections (opened ${connectionCount})`);
});

test('error answers: a Status body is kept whole; anything else gets client-go generic reasons', { skip }, async () => {
  const client = newClient();
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'pods "x" is forbidden: nope', reason: 'Forbidden', details: { name: 'x', kind: 'pods' }, code: 403 };
  handler = (_req, res) => json(res, 403, status);
  await assert.rejects(client.get(PODS, 'ns', 'x'), (err: unknown) => err instanceof StatusError && err.reason === 'Forbidden' && err.code === 403 && err.status.details?.name === 'x' && err.message === status.message);
  handler = (_req, res) => {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('404 page not found');
  };
  await assert.rejects(client.get(PODS, 'ns', 'x'), (err: unknown) => err instanceof StatusError && err.reason === 'NotFound' && err.message === 'the server could not find the requested resource');
  handler = (_req, res) => {
    res.writeHead(502);
    res.end('bad gateway');
  };
  await assert.rejects(client.get(PODS, 'ns', 'x'), (err: unknown) => err instanceof StatusError && err.code === 502 && err.reason === 'InternalError' && err.message.includes('bad gateway'));
  client.close();
});

test('allPages follows continue tokens, and starts over unpaged when a token expired', { skip }, async () => {
  const client = newClient();
  const item = (name: string) => ({ metadata: { name } });
  let expire = false;
  handler = (req, res) => {
    const q = new URL(req.url ?? '', url).searchParams;
    const cont = q.get('continue');
    if (!cont && q.get('limit')) return json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '10', continue: 'p2' }, items: [item('a')] });
    if (!cont) return json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '12' }, items: [item('a'), item('b'), item('c')] });
    if (expire) return json(res, 410, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', message: 'too old', code: 410 });
    if (cont === 'p2') return json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '10', continue: 'p3' }, items: [item('b')] });
    return json(res, 200, { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '10' }, items: [item('c')] });
  };
  const paged = await client.list(PODS, 'ns', { limit: 1, allPages: true });
  assert.deepEqual(paged.items.map((i) => i.metadata?.name), ['a', 'b', 'c']);
  assert.deepEqual(paged.metadata, { resourceVersion: '10' });
  expire = true;
  const fallback = await client.list(PODS, 'ns', { limit: 1, allPages: true });
  assert.deepEqual(fallback.items.map((i) => i.metadata?.name), ['a', 'b', 'c']);
  assert.equal(fallback.metadata.resourceVersion, '12');
  client.close();
});

test('Warning headers reach onWarning; a silent server hits the deadline', { skip }, async () => {
  const warnings: string[] = [];
  const client = newClient({ onWarning: (w) => warnings.push(w), timeoutMs: 150 });
  handler = (_req, res) => json(res, 200, { metadata: {} }, { Warning: '299 - "unknown field \\"spec.foo\\""' });
  await client.get(PODS, 'ns', 'p');
  assert.deepEqual(warnings, ['unknown field "spec.foo"']);
  handler = () => {};
  const started = Date.now();
  await assert.rejects(client.get(PODS, 'ns', 'slow'), (err: NodeJS.ErrnoException) => err.code === 'ETIMEDOUT');
  assert.ok(Date.now() - started < 2000);
  client.close();
});

test('a pooled connection the server dropped is retried once on a fresh one', { skip }, async () => {
  const client = newClient();
  handler = (_req, res) => json(res, 200, { metadata: { name: 'ok' } });
  await client.get(PODS, 'ns', 'first');
  // The server closes the idle connection abruptly; the next request goes out on it and fails.
  let dropNext = true;
  handler = (req, res) => {
    if (dropNext) {
      dropNext = false;
      req.socket.destroy();
      return;
    }
    json(res, 200, { metadata: { name: 'ok' } });
  };
  const obj = await client.get<{ metadata: { name: string } }>(PODS, 'ns', 'second');
  assert.equal(obj.metadata.name, 'ok');
  assert.equal(dropNext, false);
  client.close();
});

test('watch: events split across chunks and multi-byte characters decode; stop() closes the stream', { skip }, async () => {
  const client = newClient();
  let closed: Promise<void> = Promise.resolve();
  handler = (req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    const ev1 = Buffer.from(JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'ä-1', resourceVersion: '1' } } }) + '\n');
    const ev2 = Buffer.from(JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '2' } } }) + '\n');
    const all = Buffer.concat([ev1, ev2]);
    const cut = ev1.indexOf(Buffer.from('ä')) + 1; // in the middle of the two-byte character
    res.write(all.subarray(0, cut));
    setTimeout(() => res.write(all.subarray(cut)), 20);
    closed = new Promise((resolve) => req.on('close', () => resolve()));
  };
  const watch = await client.watch(PODS, 'ns', { resourceVersion: '0', allowWatchBookmarks: true, timeoutSeconds: 30 });
  assert.match(seen[seen.length - 1]!.url, /\?watch=true&resourceVersion=0&allowWatchBookmarks=true&timeoutSeconds=30$/);
  const events: Array<WatchEvent<{ metadata?: { name?: string } }>> = [];
  for await (const event of watch) {
    events.push(event);
    if (events.length === 2) break; // leaving the loop stops the watch
  }
  assert.deepEqual(events.map((e) => e.type), ['ADDED', 'BOOKMARK']);
  assert.equal((events[0]!.object as { metadata: { name: string } }).metadata.name, 'ä-1');
  await closed;
  assert.equal(await watch.ended, undefined);
  client.close();
});

test('watch: a refused watch rejects with its Status; a broken line ends the iteration with an error; callbacks get events', { skip }, async () => {
  const client = newClient();
  handler = (_req, res) => json(res, 410, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', message: 'too old resource version: 1 (5)', code: 410 });
  await assert.rejects(client.watch(PODS, 'ns', { resourceVersion: '1' }), (err: unknown) => err instanceof StatusError && err.reason === 'Expired');

  handler = (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{not json\n');
  };
  const broken = await client.watch(PODS, 'ns');
  const names: string[] = [];
  await assert.rejects(async () => {
    for await (const event of broken) names.push(String((event.object as { metadata?: { name?: string } }).metadata?.name));
  }, /undecodable event/);
  assert.deepEqual(names, ['a']);

  handler = (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"type":"ADDED","object":{"metadata":{"name":"a"}}}\n{"type":"DELETED","object":{"metadata":{"name":"a"}}}\n');
  };
  const got: string[] = [];
  const callbackWatch = await client.watch(PODS, 'ns', { onEvent: (e) => got.push(e.type) });
  assert.equal(await callbackWatch.ended, undefined);
  assert.deepEqual(got, ['ADDED', 'DELETED']);
  client.close();
});

test('watch: aborting the signal ends a watch that the server keeps open', { skip }, async () => {
  const client = newClient();
  handler = (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
  };
  const controller = new AbortController();
  const watch = await client.watch(PODS, 'ns', { signal: controller.signal });
  setTimeout(() => controller.abort(), 20);
  const events: unknown[] = [];
  for await (const event of watch) events.push(event);
  assert.equal(events.length, 0);
  assert.equal(await watch.ended, undefined);
  client.close();
});
