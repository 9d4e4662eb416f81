import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { Container } from 'kubernetes-types/core/v1.js';
import { RuntimeError, type ContainerRuntime } from '../runtime/runtime.js';
import { execProbe } from './exec.js';
import { grpcProbe, HEALTH_CHECK_METHOD } from './grpc.js';
import { httpProbe } from './http.js';
import { ProbeError, resolveContainerPort, runProbe } from './prober.js';
import { tcpProbe } from './tcp.js';

const listen = (server: Server | ReturnType<typeof createTcpServer>): Promise<number> =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
const close = (server: { close(cb: () => void): void }): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createTcpServer();
  const port = await listen(s);
  await close(s);
  return port;
}

describe('httpGet', () => {
  let server: Server;
  let port: number;
  let seen: IncomingHttpHeaders[];
  before(async () => {
    seen = [];
    server = createHttpServer((req, res) => {
      seen.push(req.headers);
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/ok') res.end('fine');
      else if (url.pathname === '/boom') res.writeHead(500).end('secret detail');
      else if (url.pathname === '/hop') res.writeHead(302, { location: '/ok' }).end();
      else if (url.pathname === '/away') res.writeHead(301, { location: 'http://elsewhere.invalid/' }).end('moved');
      else if (url.pathname === '/loop') res.writeHead(302, { location: '/loop' }).end();
      else if (url.pathname === '/slow') setTimeout(() => res.end('late'), 1500);
      else if (url.pathname === '/big') res.end('x'.repeat(100_000));
      else res.writeHead(404).end();
    });
    port = await listen(server);
  });
  after(async () => {
    server.closeAllConnections();
    await close(server);
  });

  test('200-399 succeed; others fail with the status only; the kubelet\'s headers', async () => {
    assert.deepEqual(await httpProbe({ host: '127.0.0.1', port, path: '/ok', timeoutMs: 1000 }), { result: 'success', output: 'fine' });
    assert.equal(seen.at(-1)?.['user-agent'], 'kube-probe/1.32');
    assert.equal(seen.at(-1)?.accept, '*/*');
    assert.equal(seen.at(-1)?.connection, 'close');
    assert.deepEqual(await httpProbe({ host: '127.0.0.1', port, path: '/boom', timeoutMs: 1000 }), { result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    assert.deepEqual(await httpProbe({ host: '127.0.0.1', port, path: '/missing', timeoutMs: 1000 }), { result: 'failure', output: 'HTTP probe failed with statuscode: 404' });

    await httpProbe({ host: '127.0.0.1', port, path: 'ok', timeoutMs: 1000, headers: [{ name: 'X-Custom', value: 'a' }, { name: 'Host', value: 'app.example' }, { name: 'User-Agent', value: 'mine' }, { name: 'Accept', value: '' }] });
    const h = seen.at(-1);
    assert.deepEqual([h?.['x-custom'], h?.host, h?.['user-agent'], h?.accept], ['a', 'app.example', 'mine', undefined]);
    const big = await httpProbe({ host: '127.0.0.1', port, path: '/big', timeoutMs: 1000 });
    assert.deepEqual([big.result, big.output.length], ['success', 10 * 1024], 'the body is cut at 10 KiB');
  });

  test('redirects: same host followed, another host is a warning, loops stop after 10', async () => {
    assert.deepEqual(await httpProbe({ host: '127.0.0.1', port, path: '/hop', timeoutMs: 1000 }), { result: 'success', output: 'fine' });
    assert.deepEqual(await httpProbe({ host: '127.0.0.1', port, path: '/away', timeoutMs: 1000 }), { result: 'warning', output: 'Probe terminated redirects, Response body: moved' });
    assert.deepEqual(await httpProbe({ host: '127.0.0.1', port, path: '/loop', timeoutMs: 2000 }), { result: 'failure', output: `Get "http://127.0.0.1:${port}/loop": stopped after 10 redirects` });
  });

  test('timeouts and refused connections read like Go\'s errors', async () => {
    assert.deepEqual(await httpProbe({ host: '127.0.0.1', port, path: '/slow', timeoutMs: 200 }), {
      result: 'failure', output: `Get "http://127.0.0.1:${port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
    const closed = await closedPort();
    assert.deepEqual(await httpProbe({ host: '127.0.0.1', port: closed, path: '/healthz', timeoutMs: 1000 }), {
      result: 'failure', output: `Get "http://127.0.0.1:${closed}/healthz": dial tcp 127.0.0.1:${closed}: connect: connection refused`,
    });
  });

  const opensslSkip = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return undefined;
    } catch {
      return 'openssl is not installed';
    }
  })();
  test('HTTPS does not verify the certificate', { skip: opensslSkip }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kite-probe-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=self-signed', '-days', '1',
        '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
      const tls = createHttpsServer({ key: readFileSync(join(dir, 'k.pem')), cert: readFileSync(join(dir, 'c.pem')) }, (_req, res) => res.end('secure'));
      const tlsPort = await listen(tls as unknown as Server);
      try {
        assert.deepEqual(await httpProbe({ scheme: 'HTTPS', host: '127.0.0.1', port: tlsPort, path: '/', timeoutMs: 2000 }), { result: 'success', output: 'secure' });
      } finally {
        await close(tls);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

test('tcpSocket: open port succeeds, closed port fails with the dial error', async () => {
  const server = createTcpServer((s) => s.end());
  const port = await listen(server);
  try {
    assert.deepEqual(await tcpProbe('127.0.0.1', port, 1000), { result: 'success', output: '' });
  } finally {
    await close(server);
  }
  const closed = await closedPort();
  assert.deepEqual(await tcpProbe('127.0.0.1', closed, 1000), { result: 'failure', output: `dial tcp 127.0.0.1:${closed}: connect: connection refused` });
});

test('exec: exit codes, combined output, timeouts, runtime errors', async () => {
  let answer: () => Promise<{ stdout: Buffer; stderr: Buffer; exitCode: number }>;
  const calls: unknown[][] = [];
  const runtime = { execSync: (...args: unknown[]) => (calls.push(args), answer()) } as unknown as ContainerRuntime;
  answer = async () => ({ stdout: Buffer.from('ok\n'), stderr: Buffer.alloc(0), exitCode: 0 });
  assert.deepEqual(await execProbe(runtime, 'c1', ['cat', '/tmp/healthy'], 5), { result: 'success', output: 'ok\n' });
  assert.deepEqual(calls[0], ['c1', ['cat', '/tmp/healthy'], 5]);
  answer = async () => ({ stdout: Buffer.from('out '), stderr: Buffer.from('cat: /tmp/healthy: No such file or directory\n'), exitCode: 1 });
  assert.deepEqual(await execProbe(runtime, 'c1', ['cat', '/tmp/healthy'], 1), { result: 'failure', output: 'out cat: /tmp/healthy: No such file or directory\n' });
  answer = async () => { throw new RuntimeError('DeadlineExceeded', 'timeout 1s exceeded: context deadline exceeded', 'ExecSync'); };
  assert.deepEqual(await execProbe(runtime, 'c1', ['sleep', '10'], 1), { result: 'failure', output: 'command "sleep 10" timed out' });
  answer = async () => { throw new RuntimeError('NotFound', 'container not found', 'ExecSync'); };
  await assert.rejects(execProbe(runtime, 'c1', ['true'], 1), ProbeError);
});

describe('grpc', () => {
  let server: grpc.Server;
  let port: number;
  const statuses: Record<string, number> = { '': 1, sick: 2 };
  before(async () => {
    server = new grpc.Server();
    const service = {
      Check: {
        path: HEALTH_CHECK_METHOD, requestStream: false, responseStream: false,
        requestSerialize: (b: Buffer) => b, requestDeserialize: (b: Buffer) => b,
        responseSerialize: (b: Buffer) => b, responseDeserialize: (b: Buffer) => b,
      },
    };
    server.addService(service, {
      Check: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        // HealthCheckRequest{service=1}: 0x0a, len, bytes
        const req = call.request;
        const name = req.length > 2 ? req.subarray(2, 2 + (req[1] ?? 0)).toString() : '';
        if (name === 'missing') return cb({ code: grpc.status.NOT_FOUND, details: 'unknown service' });
        const status = statuses[name] ?? 3;
        cb(null, Buffer.from([0x08, status]));
      },
    });
    port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  });
  after(() => server.forceShutdown());

  test('SERVING succeeds, other statuses and errors fail with upstream\'s messages', async () => {
    assert.deepEqual(await grpcProbe('127.0.0.1', port, '', 2), { result: 'success', output: 'service healthy' });
    assert.deepEqual(await grpcProbe('127.0.0.1', port, 'sick', 2), { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
    assert.deepEqual(await grpcProbe('127.0.0.1', port, 'missing', 2), { result: 'failure', output: 'error: health rpc probe failed: rpc error: code = NotFound desc = unknown service' });
    const closed = await closedPort();
    assert.deepEqual(await grpcProbe('127.0.0.1', closed, '', 1), { result: 'failure', output: `timeout: failed to connect service "127.0.0.1:${closed}" within 1s: context deadline exceeded` });
  });
});

test('runProbe: ports by number, name or numeric string, pod IP as the default host', async () => {
  const container: Container = { name: 'app', ports: [{ name: 'http', containerPort: 8080 }] };
  assert.equal(resolveContainerPort(80, container), 80);
  assert.equal(resolveContainerPort('http', container), 8080);
  assert.equal(resolveContainerPort('9090', container), 9090);
  assert.throws(() => resolveContainerPort('metrics', container), { message: 'port metrics not found' });
  assert.throws(() => resolveContainerPort(70000, container), { message: 'invalid port number: 70000' });

  const server = createTcpServer((s) => s.end());
  const port = await listen(server);
  try {
    const target = { runtime: {} as ContainerRuntime, container: { name: 'app', ports: [{ name: 'db', containerPort: port }] }, containerId: 'c', podIP: '127.0.0.1' };
    assert.equal((await runProbe({ tcpSocket: { port: 'db' } }, target)).result, 'success');
    await assert.rejects(runProbe({}, target), { message: 'missing probe handler' });
  } finally {
    await close(server);
  }
});
