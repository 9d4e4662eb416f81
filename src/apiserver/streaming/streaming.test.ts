import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer, request as httpRequest } from 'node:http';
import { type AddressInfo, type Socket, connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { notFound, toStatusError } from '../../apimachinery/errors.js';
import type { HandlerContext } from '../handlers/context.js';
import { writeStatusError } from '../http/response.js';
import type { Pod } from '../registry/core/pods/types.js';
import type { ServedResource } from '../registry/served-resource.js';
import { parseRequestInfo } from '../request-info.js';
import type { DialAgent } from './dial.js';
import { handlePodLog } from './log-proxy.js';
import { agentEndpointOf, pickContainer } from './pod-target.js';
import { handlePodConnect } from './upgrade-proxy.js';
import { destroyUpgradedConnections, extraUpgradeVerb, upgradeResponse } from './upgrade.js';

const pod = (name: string, extra: { nodeName?: string; phase?: string; containers?: string[]; inits?: string[]; annotations?: Record<string, string> } = {}): Pod => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: { name, namespace: 'default', annotations: extra.annotations },
  spec: {
    nodeName: 'nodeName' in extra ? extra.nodeName : 'node-1',
    containers: (extra.containers ?? ['app']).map((n) => ({ name: n })),
    initContainers: extra.inits?.map((n) => ({ name: n })),
  },
  status: { phase: extra.phase ?? 'Running' },
});

describe('streaming targets', () => {
  test('container choice: explicit and valid, the only one, the annotated default, else kube-apiserver\'s errors', () => {
    assert.equal(pickContainer(pod('p'), null), 'app');
    assert.equal(pickContainer(pod('p', { containers: ['a', 'b'], inits: ['i'] }), 'i'), 'i');
    assert.equal(pickContainer(pod('p', { containers: ['a', 'b'], annotations: { 'kubectl.kubernetes.io/default-container': 'b' } }), null), 'b');
    assert.throws(() => pickContainer(pod('p'), 'nope'), /container nope is not valid for pod p/);
    assert.throws(() => pickContainer(pod('p', { containers: ['a', 'b'], inits: ['i'] }), null),
      /a container name must be specified for pod p, choose one of: \[a b\] or one of the init containers: \[i\]/);
  });

  test('agent address: InternalIP first, then ExternalIP, Hostname; kubelet port default 10250', async () => {
    const node = (addresses: { type: string; address: string }[], port?: number) => async () => ({
      apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { addresses, daemonEndpoints: port ? { kubeletEndpoint: { Port: port } } : undefined },
    });
    assert.deepEqual(await agentEndpointOf(pod('p'), node([{ type: 'Hostname', address: 'h' }, { type: 'InternalIP', address: '10.0.0.5' }], 11250)), { nodeName: 'node-1', host: '10.0.0.5', port: 11250 });
    assert.deepEqual(await agentEndpointOf(pod('p'), node([{ type: 'Hostname', address: 'h' }])), { nodeName: 'node-1', host: 'h', port: 10250 });
    await assert.rejects(agentEndpointOf(pod('p', { nodeName: '' }), node([])), /pod p does not have a host assigned/);
  });
});

describe('pods/log, exec and portforward proxies', () => {
  const pods = new Map<string, Pod>([
    ['web', pod('web', { containers: ['app', 'sidecar'], annotations: { 'kubectl.kubernetes.io/default-container': 'app' } })],
    ['refuse', pod('refuse')],
    ['pending', pod('pending', { phase: 'Pending' })],
    ['floating', pod('floating', { nodeName: '' })],
  ]);
  const seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
  let agent: Server;
  let api: Server;
  let apiPort: number;

  before(async () => {
    agent = createServer((req, res) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      if (req.url?.includes('/sidecar')) {
        res.writeHead(400, { 'Content-Type': 'text/plain' }).end('previous terminated container "sidecar" in pod "web" not found\n');
        return;
      }
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('line 1\n');
      setTimeout(() => res.end('line 2\n'), 20);
    });
    agent.on('upgrade', (req: IncomingMessage, socket: Duplex) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      if (req.url?.includes('/refuse')) {
        socket.end('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 18\r\nConnection: close\r\n\r\nnot for you, sorry');
        return;
      }
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${req.headers.upgrade}\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n`);
      socket.on('data', (d: Buffer) => socket.write(d.toString().toUpperCase()));
      socket.on('end', () => socket.end());
    });
    agent.listen(0, '127.0.0.1');
    await once(agent, 'listening');
    const agentPort = (agent.address() as AddressInfo).port;
    const dial: DialAgent = (endpoint, r) => httpRequest({ host: endpoint.host, port: endpoint.port, method: r.method, path: r.path, headers: r.headers, agent: false });
    const getNode = async (name: string) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: agentPort } } } });
    const served = { registry: { get: async (_ns: string, name: string) => {
      const p = pods.get(name);
      if (!p) throw notFound({ group: '', resource: 'pods' }, name);
      return structuredClone(p);
    } } } as unknown as ServedResource;

    const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      try {
        const url = new URL(req.url ?? '/', 'http://api');
        const info = parseRequestInfo(req.method ?? 'GET', url);
        const ctx: HandlerContext = { req, res, url, info, user: { name: 'admin', groups: [], extra: {} }, served, warnings: [] };
        if (info.subresource === 'log') await handlePodLog(ctx, dial, getNode);
        else await handlePodConnect(ctx, info.subresource as 'exec' | 'attach' | 'portforward', dial, getNode);
      } catch (err) {
        writeStatusError(res, toStatusError(err));
      }
    };
    api = createServer((req, res) => void handle(req, res));
    api.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => void handle(req, upgradeResponse(req, socket, head)));
    api.listen(0, '127.0.0.1');
    await once(api, 'listening');
    apiPort = (api.address() as AddressInfo).port;
  });
  after(() => {
    api?.closeAllConnections();
    api?.close();
    agent?.closeAllConnections();
    agent?.close();
  });

  const get = (path: string): Promise<{ status: number; body: string; type: string }> => new Promise((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port: apiPort, path }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    }).on('error', reject).end();
  });

  /** Sends a raw upgrade request; resolves the response head and the socket for more bytes. */
  const rawUpgrade = async (requestLine: string, headers: string[]): Promise<{ head: string; socket: Socket; rest: () => string; ended: Promise<unknown> }> => {
    const socket = connect(apiPort, '127.0.0.1');
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    const ended = once(socket, 'end');
    socket.write(`${requestLine}\r\nHost: api\r\n${headers.join('\r\n')}\r\n\r\n`);
    const deadline = Date.now() + 5000;
    while (!text.includes('\r\n\r\n')) {
      if (Date.now() > deadline) throw new Error(`no response: ${text}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const headEnd = text.indexOf('\r\n\r\n') + 4;
    const head = text.slice(0, headEnd);
    return { head, socket, rest: () => text.slice(headEnd), ended };
  };

  test('logs: kubelet path and options forwarded, body streamed; an agent refusal becomes a Status with its text', async () => {
    const r = await get('/api/v1/namespaces/default/pods/web/log?follow=true&tailLines=5&timestamps=true&pretty=1');
    assert.deepEqual(r, { status: 200, body: 'line 1\nline 2\n', type: 'text/plain' });
    assert.equal(seen.at(-1)?.url, '/containerLogs/default/web/app?follow=true&timestamps=true&tailLines=5');
    const refused = await get('/api/v1/namespaces/default/pods/web/log?container=sidecar&previous=true');
    assert.equal(refused.status, 400);
    const status = JSON.parse(refused.body) as { reason: string; message: string; code: number };
    assert.deepEqual([status.reason, status.message, status.code], ['BadRequest', 'previous terminated container "sidecar" in pod "web" not found', 400]);
    assert.deepEqual(await get('/api/v1/namespaces/default/pods/floating/log'), { status: 200, body: '', type: 'text/plain' });
    assert.equal((await get('/api/v1/namespaces/default/pods/web/log?limitBytes=0')).status, 422);
    assert.equal((await get('/api/v1/namespaces/default/pods/gone/log')).status, 404);
  });

  test('exec (SPDY POST): upgrade replayed to the agent without credentials, 101 relayed, bytes spliced', async () => {
    const { head, socket, rest } = await rawUpgrade(
      'POST /api/v1/namespaces/default/pods/web/exec?command=ls&command=-l&container=app&stdin=true&stdout=true&tty=true HTTP/1.1',
      ['Connection: Upgrade', 'Upgrade: SPDY/3.1', 'X-Stream-Protocol-Version: v4.channel.k8s.io', 'Authorization: Bearer secret'],
    );
    assert.match(head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    assert.match(head, /X-Stream-Protocol-Version: v4\.channel\.k8s\.io/);
    const upstream = seen.at(-1)!;
    assert.equal(upstream.method, 'POST');
    assert.equal(upstream.url, '/exec/default/web/app?command=ls&command=-l&input=1&output=1&tty=1');
    assert.equal(upstream.headers['x-stream-protocol-version'], 'v4.channel.k8s.io');
    assert.equal(upstream.headers.authorization, undefined);
    socket.write('ping');
    const deadline = Date.now() + 5000;
    while (rest() !== 'PING' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    assert.equal(rest(), 'PING');
    socket.destroy();
  });

  test('portforward (WebSocket GET): subprotocol forwarded to /portForward', async () => {
    const { head, socket } = await rawUpgrade('GET /api/v1/namespaces/default/pods/web/portforward HTTP/1.1', [
      'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io',
    ]);
    assert.match(head, /^HTTP\/1\.1 101 /);
    assert.equal(seen.at(-1)?.url, '/portForward/default/web');
    assert.equal(seen.at(-1)?.headers['sec-websocket-protocol'], 'SPDY/3.1+portforward.k8s.io');
    socket.destroy();
  });

  test('sessions still open at shutdown are ended (they would hold the server open)', async () => {
    const r = await rawUpgrade('POST /api/v1/namespaces/default/pods/web/exec?command=sh&stdin=true&stdout=true HTTP/1.1',
      ['Connection: Upgrade', 'Upgrade: SPDY/3.1', 'X-Stream-Protocol-Version: v4.channel.k8s.io']);
    assert.match(r.head, /^HTTP\/1\.1 101 /);
    destroyUpgradedConnections(api);
    await r.ended;
  });

  test('refusals: by the agent (Status with its text), a pod not running, without a node, without an upgrade', async () => {
    const spdy = ['Connection: Upgrade', 'Upgrade: SPDY/3.1', 'X-Stream-Protocol-Version: v4.channel.k8s.io'];
    const refused = async (path: string): Promise<{ code: number; message: string }> => {
      const r = await rawUpgrade(`POST ${path} HTTP/1.1`, spdy);
      await r.ended;
      return { code: Number(r.head.split(' ')[1]), message: (JSON.parse(r.rest()) as { message: string }).message };
    };
    assert.deepEqual(await refused('/api/v1/namespaces/default/pods/refuse/exec?command=x&stdout=true'), { code: 403, message: 'not for you, sorry' });
    assert.deepEqual(await refused('/api/v1/namespaces/default/pods/pending/exec?command=x&stdout=true'), { code: 400, message: 'pod pending is not running (phase Pending)' });
    assert.deepEqual(await refused('/api/v1/namespaces/default/pods/floating/attach?stdout=true'), { code: 400, message: 'pod floating does not have a host assigned' });
    assert.deepEqual(await refused('/api/v1/namespaces/default/pods/gone/exec?command=x'), { code: 404, message: 'pods "gone" not found' });
    const plain = await get('/api/v1/namespaces/default/pods/web/exec?command=x');
    assert.equal(plain.status, 400);
    assert.match(plain.body, /Upgrade request required/);
  });

  test('a WebSocket upgrade (GET) to exec, attach or portforward must also be allowed to create', () => {
    const req = { headers: {} } as IncomingMessage;
    const info = (path: string, method = 'GET') => parseRequestInfo(method, new URL(path, 'http://x'));
    assert.equal(extraUpgradeVerb(req, info('/api/v1/namespaces/d/pods/p/exec')), undefined, 'not an upgrade');
    upgradeResponse(req, connect({ port: 1, host: '127.0.0.1' }).on('error', () => undefined), Buffer.alloc(0));
    assert.equal(extraUpgradeVerb(req, info('/api/v1/namespaces/d/pods/p/exec')), 'create');
    assert.equal(extraUpgradeVerb(req, info('/api/v1/namespaces/d/pods/p/portforward')), 'create');
    assert.equal(extraUpgradeVerb(req, info('/api/v1/namespaces/d/pods/p/exec', 'POST')), undefined, 'POST is create already');
    assert.equal(extraUpgradeVerb(req, info('/api/v1/namespaces/d/pods/p/log')), undefined);
  });
});
