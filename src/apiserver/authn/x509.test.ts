import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, X509Certificate as NodeX509 } from 'node:crypto';
import { createServer as createHttpServer, get as httpGet, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent, createServer, request, type Server } from 'node:https';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki, type Pki } from '../../pki/bootstrap.js';
import { createCa } from '../../pki/ca.js';
import { issueClientCert, issueServingCert } from '../../pki/certs.js';
import { classifySans } from '../../pki/sans.js';
import { apiserverTlsOptions } from '../../pki/tls.js';
import { type Authenticator, unionAuthenticator } from './authenticator.js';
import { CREDENTIAL_ID_EXTRA, x509Authenticator, type X509AuthenticatorOptions } from './x509.js';

const dataDir = await mkdtemp(join(tmpdir(), 'kite-authn-'));
const pki: Pki = await ensurePki(dataDir);
test.after(() => rm(dataDir, { recursive: true, force: true }));

interface Reply {
  status: number;
  body: { name?: string; groups?: string[]; extra?: Record<string, string[]>; reason?: string };
}

/** A tiny API server: authenticate, then answer the user as JSON or a 401 Status. */
function handlerFor(authenticate: Authenticator) {
  return (req: IncomingMessage, res: ServerResponse) => {
    authenticate(req).then((user) => {
      res.writeHead(user ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(user ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Unauthorized', code: 401 }));
    }, (err: Error) => res.writeHead(500).end(err.message));
  };
}

async function withServer(
  fn: (port: number, rejections: string[]) => Promise<void>,
  options: { ca?: string; authn?: Partial<X509AuthenticatorOptions> } = {},
): Promise<void> {
  const rejections: string[] = [];
  const authenticate = unionAuthenticator([
    x509Authenticator({ clientCaPem: pki.clientCa.certPem, onReject: (reason) => rejections.push(reason), ...options.authn }),
  ]);
  const tls = { ...apiserverTlsOptions(pki), ...(options.ca ? { ca: options.ca } : {}) };
  const server: Server = createServer(tls, handlerFor(authenticate));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    await fn((server.address() as AddressInfo).port, rejections);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

function call(port: number, client: { certPem?: string; keyPem?: string; host?: string; agent?: Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: client.host ?? '127.0.0.1',
        port,
        path: '/version',
        ca: pki.serverCa.certPem, // the client checks the serving certificate (and its SANs) against the server CA
        cert: client.certPem,
        key: client.keyPem,
        agent: client.agent ?? false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

test('the admin certificate authenticates as system:admin in system:masters and system:authenticated', async () => {
  await withServer(async (port) => {
    const reply = await call(port, pki.admin);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.name, 'system:admin');
    assert.deepEqual(reply.body.groups, ['system:masters', 'system:authenticated']);
    const der = new NodeX509(pki.admin.certPem).raw;
    const id = `X509SHA256=${createHash('sha256').update(der).digest('hex')}`;
    assert.deepEqual(reply.body.extra, { [CREDENTIAL_ID_EXTRA]: [id] });
  });
});

test('the serving certificate is accepted by name too (DNS SAN localhost)', async () => {
  await withServer(async (port) => {
    const reply = await call(port, { ...pki.apiserverClient, host: 'localhost' });
    assert.equal(reply.status, 200);
    assert.equal(reply.body.name, 'system:apiserver');
  });
});

test('a request without a client certificate gets through TLS and is refused with 401', async () => {
  await withServer(async (port, rejections) => {
    const reply = await call(port);
    assert.equal(reply.status, 401);
    assert.equal(reply.body.reason, 'Unauthorized');
    assert.deepEqual(rejections, []); // nothing presented, nothing to report
  });
});

test('a certificate from another CA is refused with 401', async () => {
  const stranger = await createCa({ namePrefix: 'kite-client-ca' });
  const cert = await issueClientCert(stranger, { user: 'system:admin', groups: ['system:masters'] });
  await withServer(async (port, rejections) => {
    const reply = await call(port, cert);
    assert.equal(reply.status, 401);
    assert.equal(rejections.length, 1);
    assert.match(rejections[0]!, /refused/);
  });
});

test('a certificate from the server CA is refused even when the TLS layer trusts that CA', async () => {
  const fromServerCa = await issueClientCert(pki.serverCa.authority, { user: 'system:admin', groups: ['system:masters'] });
  await withServer(
    async (port, rejections) => {
      const reply = await call(port, fromServerCa);
      assert.equal(reply.status, 401);
      assert.match(rejections[0] ?? '', /not signed by the client CA/);
      assert.equal((await call(port, pki.admin)).status, 200);
    },
    { ca: pki.serverCa.certPem + pki.clientCa.certPem },
  );
});

test('an expired client certificate is refused', async () => {
  const longAgo = new Date(Date.now() - 400 * 24 * 60 * 60 * 1000);
  const expired = await issueClientCert(pki.clientCa.authority, { user: 'old', now: longAgo });
  await withServer(async (port, rejections) => {
    const reply = await call(port, expired);
    assert.equal(reply.status, 401);
    assert.match(rejections[0] ?? '', /expired/i);
  });
});

test('a certificate that expires while its connection is open stops authenticating', async () => {
  let now = new Date();
  await withServer(
    async (port) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        assert.equal((await call(port, { ...pki.admin, agent })).status, 200);
        now = new Date(pki.admin.cert.notAfter.getTime() + 1000);
        assert.equal((await call(port, { ...pki.admin, agent })).status, 401);
      } finally {
        agent.destroy();
      }
    },
    { authn: { now: () => now } },
  );
});

test('a certificate not meant for client authentication is refused', async () => {
  const serverOnly = await issueServingCert(pki.clientCa.authority, { commonName: 'system:admin', sans: classifySans(['x.test']) });
  await withServer(async (port) => {
    assert.equal((await call(port, serverOnly)).status, 401);
  });
});

test('several requests on one connection are each authenticated', async () => {
  await withServer(async (port) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 0; i < 3; i++) {
        const reply = await call(port, { ...pki.admin, agent });
        assert.equal(reply.body.name, 'system:admin');
        assert.deepEqual(reply.body.groups, ['system:masters', 'system:authenticated']);
      }
    } finally {
      agent.destroy();
    }
  });
});

test('a plain HTTP request has no certificate: null', async () => {
  const authenticate = x509Authenticator({ clientCaPem: pki.clientCa.certPem });
  const server = createHttpServer(handlerFor(authenticate));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const status = await new Promise<number>((resolve, reject) => {
      httpGet({ host: '127.0.0.1', port, path: '/' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    assert.equal(status, 401);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

test('x509Authenticator needs at least one CA certificate', () => {
  assert.throws(() => x509Authenticator({ clientCaPem: '' }), /no certificate/);
});
