import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { type AddressInfo, type Server, type Socket, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { createCa } from '../../pki/ca.js';
import { issueClientCert, issueServingCert } from '../../pki/certs.js';
import { FakeRuntime } from '../runtime/fake-runtime.js';
import type { AttachRequest, ExecRequest } from '../runtime/types.js';
import type { PodLookup } from './pod-lookup.js';
import { type AgentServer, startAgentServer } from './server.js';
import { type FakeStreamingServer, type TlsClient, fakeStreamingUrl, readText, spdyUpgrade, startFakeStreamingServer } from './testing.js';

class StreamingRuntime extends FakeRuntime {
  readonly requests: (ExecRequest | AttachRequest)[] = [];
  constructor(readonly fake: FakeStreamingServer) {
    super();
  }
  override async exec(r: ExecRequest): Promise<string> {
    this.requests.push(r);
    return fakeStreamingUrl(this.fake.url, r);
  }
  override async attach(r: AttachRequest): Promise<string> {
    this.requests.push(r);
    return fakeStreamingUrl(this.fake.url, r);
  }
}

const T = '2024-05-01T10:00:00.5Z';

describe('agent server', () => {
  let dir: string;
  let fake: FakeStreamingServer;
  let runtime: StreamingRuntime;
  let agent: AgentServer;
  let echo: Server;
  let base: string;
  let apiserver: TlsClient;
  let alice: TlsClient;
  let stranger: TlsClient;
  let anonymous: TlsClient;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kite-agent-'));
    await writeFile(join(dir, '0.log'), `${T} stdout F first run\n`);
    await writeFile(join(dir, '1.log'), `${T} stdout F one\n${T} stderr P tw\n${T} stderr F o\n${T} stdout F three\n`);
    const serverCa = await createCa({ namePrefix: 'server-ca' });
    const clientCa = await createCa({ namePrefix: 'client-ca' });
    const otherCa = await createCa({ namePrefix: 'other-ca' });
    const serving = await issueServingCert(serverCa, { sans: { dns: ['localhost'], ips: ['127.0.0.1'] } });
    const client = async (ca: typeof clientCa, user: string, groups: string[] = []): Promise<TlsClient> => {
      const c = await issueClientCert(ca, { user, groups });
      return { ca: serverCa.certPem, cert: c.certPem, key: c.keyPem };
    };
    apiserver = await client(clientCa, 'system:apiserver', ['system:masters']);
    alice = await client(clientCa, 'alice', ['developers']);
    stranger = await client(otherCa, 'system:apiserver', ['system:masters']);
    anonymous = { ca: serverCa.certPem };

    echo = createTcpServer((s: Socket) => s.on('data', (d: Buffer) => s.end(`echo:${d.toString().toUpperCase()}`)));
    echo.listen(0, '127.0.0.1');
    await once(echo, 'listening');

    fake = await startFakeStreamingServer();
    runtime = new StreamingRuntime(fake);
    const lookup: PodLookup = {
      pod: async (ns, name) => (ns === 'default' && name === 'p' ? { podSandboxId: 'sandbox-1', ip: '127.0.0.1' } : undefined),
      containers: async (_ns, _pod, name) => name !== 'c' ? [] : [
        { containerId: 'c-1', podSandboxId: 'sandbox-1', logPath: join(dir, '1.log'), state: 'CONTAINER_RUNNING', createdAt: 2 },
        { containerId: 'c-0', podSandboxId: 'sandbox-1', logPath: join(dir, '0.log'), state: 'CONTAINER_EXITED', createdAt: 1 },
      ],
      isRunning: async () => false,
    };
    agent = await startAgentServer({ runtime, podLookup: lookup, port: 0, host: '127.0.0.1', tls: { certPem: serving.certPem, keyPem: serving.keyPem, clientCaPem: clientCa.certPem } });
    base = `https://127.0.0.1:${agent.port}`;
  });
  after(async () => {
    await agent?.close();
    await fake?.close();
    echo?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (path: string, tls: TlsClient): Promise<{ status: number; body: string }> => new Promise((resolve, reject) => {
    const req = httpsRequest(`${base}${path}`, { ca: tls.ca, cert: tls.cert, key: tls.key }, (res) => {
      void readText(res).then((body) => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });

  test('only the API server (or system:masters) may call: 401 without or with a foreign certificate, 403 for others', async () => {
    assert.equal((await get('/healthz', anonymous)).status, 200);
    assert.equal((await get('/containerLogs/default/p/c', anonymous)).status, 401);
    assert.equal((await get('/containerLogs/default/p/c', stranger)).status, 401);
    const forbidden = await get('/containerLogs/default/p/c', alice);
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.body, /user=alice/);
    assert.equal((await get('/containerLogs/default/p/c', apiserver)).status, 200);
    await assert.rejects(spdyUpgrade(`${base}/exec/default/p/c?command=x&output=1`, ['v4.channel.k8s.io'], alice), /^Error: 403/);
  });

  test('container logs: whole, tail, timestamps, limit, previous; errors as plain text', async () => {
    assert.deepEqual(await get('/containerLogs/default/p/c', apiserver), { status: 200, body: 'one\ntwo\nthree\n' });
    assert.equal((await get('/containerLogs/default/p/c?tailLines=2', apiserver)).body, 'two\nthree\n');
    assert.equal((await get('/containerLogs/default/p/c?tailLines=1&timestamps=true', apiserver)).body, `${T} three\n`);
    assert.equal((await get('/containerLogs/default/p/c?limitBytes=5', apiserver)).body, 'one\nt');
    assert.equal((await get('/containerLogs/default/p/c?previous=true&follow=true', apiserver)).body, 'first run\n');
    assert.equal((await get(`/containerLogs/default/p/c?sinceTime=${encodeURIComponent('2030-01-01T00:00:00Z')}`, apiserver)).body, '');
    assert.deepEqual(await get('/containerLogs/default/nope/c', apiserver), { status: 404, body: 'pod "default/nope" not found on this node\n' });
    assert.deepEqual(await get('/containerLogs/default/p/other?previous=1', apiserver), { status: 400, body: 'previous terminated container "other" in pod "p" not found\n' });
    assert.equal((await get('/containerLogs/default/p/c?tailLines=-2', apiserver)).status, 400);
  });

  test('exec over WebSocket v5: channels in and out, close signal ends stdin, Status on channel 3', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${agent.port}/exec/default/p/c?command=cat&command=-n&input=1&output=1&error=1`, ['v5.channel.k8s.io'], { ...apiserver });
    const messages: Buffer[] = [];
    ws.on('message', (d: Buffer) => messages.push(d));
    await once(ws, 'open');
    assert.equal(ws.protocol, 'v5.channel.k8s.io');
    ws.send(Buffer.from([0, ...Buffer.from('abc')]));
    ws.send(Buffer.from([255, 0]));
    const [code] = (await once(ws, 'close')) as [number];
    assert.equal(code, 1000);
    const byChannel = (ch: number): string => messages.filter((m) => m[0] === ch).map((m) => m.subarray(1).toString()).join('');
    assert.equal(byChannel(1), 'OUT:ABC');
    assert.equal(byChannel(2), 'ERR');
    assert.deepEqual(JSON.parse(byChannel(3)).details, { causes: [{ reason: 'ExitCode', message: '3' }] });
    assert.equal(messages.at(-1)![0], 3, 'the Status is the last message');
    assert.deepEqual(runtime.requests.at(-1), { containerId: 'c-1', cmd: ['cat', '-n'], stdin: true, stdout: true, stderr: true, tty: false });
  });

  test('exec over SPDY (v4 chosen from kubectl\'s list) with a terminal: resize forwarded, Status on the error stream', async () => {
    const { session, protocol } = await spdyUpgrade(`${base}/exec/default/p/c?command=sh&stdin=true&stdout=true&tty=true`,
      ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'], apiserver);
    assert.equal(protocol, 'v4.channel.k8s.io');
    const error = await session.openStream({ streamType: 'error' });
    const stdin = await session.openStream({ streamType: 'stdin' });
    const stdout = await session.openStream({ streamType: 'stdout' });
    const resize = await session.openStream({ streamType: 'resize' });
    resize.write('{"Width":120,"Height":40}\n');
    const out = readText(stdout);
    const status = readText(error);
    stdin.end('hi');
    assert.equal(await out, 'OUT:HI');
    assert.equal(JSON.parse(await status).reason, 'NonZeroExitCode');
    assert.deepEqual(fake.opened, ['error', 'stdin', 'stdout', 'resize']);
    assert.deepEqual(fake.resizes, ['{"Width":120,"Height":40}\n']);
    session.destroy();
  });

  test('attach without stdin: output and Success', async () => {
    const { session } = await spdyUpgrade(`${base}/attach/default/p/c?output=1&error=1`, ['v4.channel.k8s.io'], apiserver);
    const error = await session.openStream({ streamType: 'error' });
    const stdout = await session.openStream({ streamType: 'stdout' });
    const stderr = await session.openStream({ streamType: 'stderr' });
    assert.deepEqual(await Promise.all([readText(stdout), readText(stderr), readText(error)]), ['OUT:', 'ERR', '{"metadata":{},"status":"Success"}']);
    session.destroy();
  });

  test('exec refusals are HTTP errors before any upgrade', async () => {
    await assert.rejects(spdyUpgrade(`${base}/exec/default/p/c?output=1`, ['v4.channel.k8s.io'], apiserver), /400: you must specify at least 1 command/);
    await assert.rejects(spdyUpgrade(`${base}/exec/default/p/missing?command=x&output=1`, ['v4.channel.k8s.io'], apiserver), /404: container not found \("missing"\)/);
    await assert.rejects(spdyUpgrade(`${base}/exec/default/p/c?command=x&output=1`, ['channel.k8s.io'], apiserver), /403: unable to upgrade: unable to negotiate protocol/);
  });

  test('port-forward over SPDY: a data/error stream pair per connection; a closed port is reported on the error stream', async () => {
    const echoPort = (echo.address() as AddressInfo).port;
    const { session, protocol } = await spdyUpgrade(`${base}/portForward/default/p`, ['portforward.k8s.io'], apiserver);
    assert.equal(protocol, 'portforward.k8s.io');
    for (const requestId of ['0', '1']) {
      const error = await session.openStream({ streamtype: 'error', port: String(echoPort), requestid: requestId });
      error.end();
      const data = await session.openStream({ streamtype: 'data', port: String(echoPort), requestid: requestId });
      const reply = readText(data);
      data.write(`hello ${requestId}`);
      assert.equal(await reply, `echo:HELLO ${requestId}`);
    }
    const closedPort = await freeTcpPort();
    const error = await session.openStream({ streamtype: 'error', port: String(closedPort), requestid: '2' });
    const message = readText(error);
    error.end();
    await session.openStream({ streamtype: 'data', port: String(closedPort), requestid: '2' });
    assert.match(await message, new RegExp(`^error forwarding port ${closedPort} to pod default/p: dial tcp 127.0.0.1:${closedPort}: ECONNREFUSED$`));
    session.destroy();
  });

  test('port-forward over WebSocket answers the SPDY/3.1+portforward.k8s.io subprotocol that ws alone refuses', async () => {
    const res = await new Promise<{ status: number; protocol: unknown }>((resolve, reject) => {
      const req = httpsRequest(`${base}/portForward/default/p`, {
        ...apiserver,
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Protocol': 'SPDY/3.1+portforward.k8s.io' },
      });
      req.on('upgrade', (r, socket: Socket) => {
        socket.destroy();
        resolve({ status: r.statusCode ?? 0, protocol: r.headers['sec-websocket-protocol'] });
      });
      req.on('response', (r) => resolve({ status: r.statusCode ?? 0, protocol: undefined }));
      req.on('error', reject);
      req.end();
    });
    assert.deepEqual(res, { status: 101, protocol: 'SPDY/3.1+portforward.k8s.io' });
  });
});

async function freeTcpPort(): Promise<number> {
  const s = createTcpServer();
  s.listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
