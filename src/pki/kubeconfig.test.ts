import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { ensurePki, type Pki } from './bootstrap.js';
import { loadKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { apiserverTlsOptions } from './tls.js';

const run = promisify(execFile);

async function withTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kite-kubeconfig-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** kubectl with nothing from the user's environment: no ~/.kube, no KUBECONFIG. */
function kubectl(dir: string, args: string[]) {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir };
  return run('kubectl', args, { env, timeout: 60_000 });
}

const adminKubeconfig = (pki: Pki, server?: string) => ({
  server,
  caPem: pki.serverCa.certPem,
  certPem: pki.admin.certPem,
  keyPem: pki.admin.keyPem,
});

test('writeKubeconfig writes a standard kubeconfig, owner-only, that kubectl config view parses', async () => {
  await withTempDir(async (dir) => {
    const pki = await ensurePki(join(dir, 'data'));
    const path = join(dir, 'kube', 'config.yaml');
    await writeKubeconfig(path, adminKubeconfig(pki));
    assert.equal((await stat(path)).mode & 0o777, 0o600);

    const { stdout } = await kubectl(dir, ['--kubeconfig', path, 'config', 'view', '--raw', '-o', 'json']);
    const viewed = JSON.parse(stdout);
    assert.equal(viewed['current-context'], 'default');
    assert.deepEqual(viewed.contexts, [{ name: 'default', context: { cluster: 'default', user: 'default' } }]);
    assert.equal(viewed.clusters[0].name, 'default');
    assert.equal(viewed.clusters[0].cluster.server, 'https://127.0.0.1:6443');
    const decode = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
    assert.equal(decode(viewed.clusters[0].cluster['certificate-authority-data']), pki.serverCa.certPem);
    assert.equal(viewed.users[0].name, 'default');
    assert.equal(decode(viewed.users[0].user['client-certificate-data']), pki.admin.certPem);
    assert.equal(decode(viewed.users[0].user['client-key-data']), pki.admin.keyPem);

    // And the file itself is plain YAML with the usual top-level shape.
    const doc = parse(await readFile(path, 'utf8'));
    assert.equal(doc.apiVersion, 'v1');
    assert.equal(doc.kind, 'Config');
  });
});

test('loadKubeconfig returns the server and PEMs writeKubeconfig embedded', async () => {
  await withTempDir(async (dir) => {
    const pki = await ensurePki(join(dir, 'data'));
    const path = join(dir, 'admin.kubeconfig');
    await writeKubeconfig(path, { ...adminKubeconfig(pki, 'https://10.0.0.5:6443'), user: 'admin', cluster: 'kite' });
    const loaded = await loadKubeconfig(path);
    assert.deepEqual(loaded, {
      context: 'kite',
      cluster: 'kite',
      user: 'admin',
      server: 'https://10.0.0.5:6443',
      caPem: pki.serverCa.certPem,
      certPem: pki.admin.certPem,
      keyPem: pki.admin.keyPem,
      token: undefined,
      insecureSkipTlsVerify: false,
    });
  });
});

test('loadKubeconfig follows file references relative to the kubeconfig, and a chosen context', async () => {
  await withTempDir(async (dir) => {
    const pki = await ensurePki(join(dir, 'data'));
    await writeFile(join(dir, 'ca.crt'), pki.serverCa.certPem);
    await writeFile(join(dir, 'token'), 'abc.def\n');
    const path = join(dir, 'config');
    await writeFile(
      path,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: a',
        'clusters:',
        '- name: c1',
        '  cluster: {server: "https://one:6443", certificate-authority: ca.crt}',
        'contexts:',
        '- {name: a, context: {cluster: c1, user: u1}}',
        '- {name: b, context: {cluster: c1, user: u2}}',
        'users:',
        '- {name: u1, user: {client-certificate: ' + pki.admin.certPath + ', client-key: ' + pki.admin.keyPath + '}}',
        '- {name: u2, user: {tokenFile: token}}',
        '',
      ].join('\n'),
    );
    const a = await loadKubeconfig(path);
    assert.equal(a.caPem, pki.serverCa.certPem);
    assert.equal(a.certPem, pki.admin.certPem);
    assert.equal(a.keyPem, pki.admin.keyPem);
    const b = await loadKubeconfig(path, { context: 'b' });
    assert.equal(b.user, 'u2');
    assert.equal(b.token, 'abc.def');
    assert.equal(b.certPem, undefined);
    await assert.rejects(loadKubeconfig(path, { context: 'nope' }), /no context named nope/);
  });
});

const VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

test('the real kubectl talks TLS 1.3 to a server using the generated PKI and the admin kubeconfig', async () => {
  await withTempDir(async (dir) => {
    const pki = await ensurePki(join(dir, 'data'));
    const seen: { path: string; user: string | undefined; protocol: string | null }[] = [];
    const server: Server = createServer(apiserverTlsOptions(pki), (req, res) => {
      const socket = req.socket as TLSSocket;
      const user = socket.authorized ? String(socket.getPeerCertificate().subject?.CN) : undefined;
      seen.push({ path: req.url ?? '', user, protocol: socket.getProtocol() });
      if (!user) {
        res.writeHead(401, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Unauthorized', code: 401 }));
        return;
      }
      if (req.url?.startsWith('/version')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(VERSION));
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const path = join(dir, 'kubeconfig');
      await writeKubeconfig(path, adminKubeconfig(pki, `https://127.0.0.1:${port}`));
      const { stdout } = await kubectl(dir, ['--kubeconfig', path, '--cache-dir', join(dir, 'cache'), 'version', '-o', 'json']);
      const printed = JSON.parse(stdout);
      assert.deepEqual(printed.serverVersion, VERSION);
      assert.ok(seen.length > 0);
      for (const request of seen) {
        assert.equal(request.user, 'system:admin', `request ${request.path} authenticated`);
        assert.equal(request.protocol, 'TLSv1.3');
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
