// A standalone agent joins a real `kite server` with its node token: CA pinned by the token's
// hash, client certificate through an auto-approved node CSR, serving certificate through a
// kubelet-serving CSR, and kubectl logs/exec reaching it through the API server. The agent runs in
// this process over the fake runtime, so no root or containerd is needed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { connect as tlsConnect } from 'node:tls';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { joinCluster } from '../../src/agent/join/bootstrap.js';
import { type StandaloneAgent, startStandaloneAgent } from '../../src/agent/join/standalone.js';
import { readHostInfo } from '../../src/agent/node/host-info.js';
import { NoPodCgroups } from '../../src/agent/pods/pod-cgroups.js';
import { FakeRuntime } from '../../src/agent/runtime/fake-runtime.js';
import { type FakeStreamingServer, fakeStreamingUrl, startFakeStreamingServer } from '../../src/agent/streaming/testing.js';
import { createCsr } from '../../src/pki/csr.js';
import { writeKubeconfig } from '../../src/pki/kubeconfig.js';
import * as x509 from '../../src/pki/x509.js';
import { KITE_BIN, type KiteServer, freePort, startKiteServer } from '../util/kite-server.js';
import { untilWithin } from '../util/until.js';

interface Csr {
  metadata: { name: string };
  spec: { signerName: string; username: string; groups: string[]; usages: string[] };
  status?: { conditions?: Array<{ type: string; reason?: string }>; certificate?: string };
}

const NODE = 'worker-1';

function runKite(args: string[], timeoutMs = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [KITE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KITE_LOG_LEVEL: 'warn' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

const until = untilWithin(20_000, 200);

describe('kite agent joins a kite server with its node token', () => {
  let server: KiteServer;
  let token: string;
  let work: string;
  let runtime: FakeRuntime;
  let streaming: FakeStreamingServer;
  let standalone: StandaloneAgent | undefined;

  before(async () => {
    server = await startKiteServer();
    token = (await readFile(join(server.dataDir, 'node-token'), 'utf8')).trim();
    work = await mkdtemp(join(tmpdir(), 'kite-agent-join-'));
    runtime = new FakeRuntime();
    streaming = await startFakeStreamingServer();
    // exec and attach go to a fake of containerd's streaming server
    runtime.exec = async (request) => fakeStreamingUrl(streaming.url, request);
  });

  after(async () => {
    await standalone?.stop();
    await streaming?.close();
    await server?.stop();
    // as root, the agent mounts tmpfs volumes under its data dir: unmount what a failed test left
    const mounts = (await readFile('/proc/self/mounts', 'utf8')).split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(`${work}/`));
    for (const m of mounts.sort().reverse()) spawnSync('umount', ['-l', m]);
    await rm(work, { recursive: true, force: true });
  });

  test('the server keeps a K10 token whose hash is its CA\'s, backed by a bootstrap token Secret', async () => {
    assert.match(token, /^K10[0-9a-f]{64}::[a-z0-9]{6}\.[a-z0-9]{16}$/);
    const id = token.slice(token.indexOf('::') + 2, token.indexOf('.'));
    const r = await server.kubectl(['get', 'secret', '-n', 'kube-system', `bootstrap-token-${id}`, '-o', 'jsonpath={.type} {.data.auth-extra-groups}']);
    assert.equal(r.code, 0, r.stderr);
    const [type, groups] = r.stdout.split(' ');
    assert.equal(type, 'bootstrap.kubernetes.io/token');
    assert.equal(Buffer.from(groups!, 'base64').toString(), 'system:bootstrappers:kite:default-node-token');
  });

  test('a wrong token is refused with a clear error, before anything runs', async () => {
    const badSecret = token.replace(/\.[a-z0-9]{16}$/, '.0000000000000000');
    let r = await runKite(['agent', '--server', server.url, '--token', badSecret, '--data-dir', join(work, 'bad1'), '--node-name', 'intruder']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /refused the join token \(401 Unauthorized\)/);
    const badHash = `K10${'ab'.repeat(32)}${token.slice(67)}`;
    r = await runKite(['agent', '--server', server.url, '--token', badHash, '--data-dir', join(work, 'bad2'), '--node-name', 'intruder']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /the server's CA does not match the join token: token expects sha256 (ab){32}/);
    r = await runKite(['agent', '--server', server.url, '--token', 'K10nonsense', '--data-dir', join(work, 'bad3')]);
    assert.match(r.stderr, /not in the form K10/);
    const csrs = await server.kubectl(['get', 'csr', '-o', 'name']);
    assert.equal(csrs.stdout.trim(), '', 'no CSR was posted with a bad token');
  });

  test('the agent joins: node client CSR auto-approved, kubeconfig for system:node:<name>, Node registered', async () => {
    const dataDir = join(work, 'agent');
    standalone = await startStandaloneAgent({
      server: server.url, token, dataDir, nodeName: NODE, runtime, kubeletPort: await freePort(),
      log: { info() {}, warn: (o, m) => console.error('agent:', m, JSON.stringify(o)), error: (o, m) => console.error('agent:', m, JSON.stringify(o)) },
      // the API server dials the Node's InternalIP: keep it on loopback for the test
      agent: { hostInfo: async () => ({ ...(await readHostInfo(dataDir)), internalIPs: ['127.0.0.1'] }), cgroups: new NoPodCgroups() },
    });
    assert.equal(standalone.joined?.issued, true);
    const kubeconfig = standalone.joined!.kubeconfigPath;

    const who = await server.kubectl(['auth', 'whoami', '--kubeconfig', kubeconfig, '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}']);
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.stdout, `system:node:${NODE} ["system:nodes","system:authenticated"]`);
    const canI = await server.kubectl(['auth', 'can-i', 'create', 'clusterrolebindings', '--kubeconfig', kubeconfig]);
    assert.equal(canI.stdout.trim(), 'no', 'a joined node is not an administrator');

    const node = await server.kubectl(['get', 'node', NODE, '-o', 'jsonpath={.metadata.name}']);
    assert.equal(node.stdout, NODE);

    // Node authorizer + NodeRestriction: secrets of no pod of its own, other nodes: refused
    const id = token.slice(token.indexOf('::') + 2, token.indexOf('.'));
    const secret = await server.kubectl(['get', 'secret', '-n', 'kube-system', `bootstrap-token-${id}`, '--kubeconfig', kubeconfig]);
    assert.notEqual(secret.code, 0);
    assert.match(secret.stderr, new RegExp(`forbidden: User "system:node:${NODE}" cannot get resource "secrets".*no relationship found between node '${NODE}' and this object`));
    const other = await server.kubectl(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'other-node' } }) });
    assert.equal(other.code, 0, other.stderr);
    const label = await server.kubectl(['label', 'node', 'other-node', 'owned=yes', '--kubeconfig', kubeconfig]);
    assert.match(label.stderr, new RegExp(`node "${NODE}" is not allowed to modify node "other-node"`));

    const list = JSON.parse((await server.kubectl(['get', 'csr', '-o', 'json'])).stdout) as { items: Csr[] };
    const client = list.items.find((c) => c.spec.signerName === 'kubernetes.io/kube-apiserver-client-kubelet');
    assert.ok(client, 'the node client CSR exists');
    assert.match(client.spec.username, /^system:bootstrap:[a-z0-9]{6}$/);
    assert.ok(client.spec.groups.includes('system:bootstrappers'));
    assert.deepEqual(client.spec.usages, ['digital signature', 'client auth']);
    assert.equal(client.status?.conditions?.[0]?.type, 'Approved');
    assert.equal(client.status?.conditions?.[0]?.reason, 'AutoApproved');
    const cert = new x509.X509Certificate(Buffer.from(client.status!.certificate!, 'base64').toString());
    assert.deepEqual(cert.subjectName.getField('CN'), [`system:node:${NODE}`]);
    assert.deepEqual(cert.subjectName.getField('O'), ['system:nodes']);
    assert.match(cert.issuer, /kite-client-ca@/);

    const table = await server.kubectl(['get', 'csr']);
    assert.match(table.stdout, /^NAME\s+AGE\s+SIGNERNAME\s+REQUESTOR\s+REQUESTEDDURATION\s+CONDITION\n/);
    assert.match(table.stdout, /kubernetes\.io\/kube-apiserver-client-kubelet\s+system:bootstrap:\w+\s+<none>\s+Approved,Issued/);

    // a restart reuses the kubeconfig: no token, no new CSR
    const again = await joinCluster({ server: server.url, dataDir, nodeName: NODE });
    assert.equal(again.issued, false);
  });

  test('the serving certificate is issued through a kubelet-serving CSR and port 10250 serves with it', async () => {
    const agentServer = await standalone!.agentServer;
    assert.ok(agentServer, 'the agent API started');
    const list = JSON.parse((await server.kubectl(['get', 'csr', '-o', 'json'])).stdout) as { items: Csr[] };
    const serving = list.items.find((c) => c.spec.signerName === 'kubernetes.io/kubelet-serving');
    assert.ok(serving);
    assert.equal(serving.spec.username, `system:node:${NODE}`);
    assert.deepEqual(serving.spec.usages, ['digital signature', 'server auth']);
    assert.equal(serving.status?.conditions?.[0]?.reason, 'AutoApproved');
    const cert = new x509.X509Certificate(Buffer.from(serving.status!.certificate!, 'base64').toString());
    assert.match(cert.issuer, /kite-server-ca@/);
    const sans = cert.getExtension(x509.SubjectAlternativeNameExtension)!.names.toJSON().map((n) => `${n.type}:${n.value}`);
    assert.ok(sans.includes(`dns:${NODE}`) && sans.includes('ip:127.0.0.1'), sans.join(','));

    // renewed while running: new connections see the new certificate
    const served = (): Promise<string> => new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: agentServer.port, rejectUnauthorized: false }, () => {
        resolve(socket.getPeerCertificate().serialNumber);
        socket.destroy();
      });
      socket.on('error', reject);
    });
    const before = await served();
    assert.equal(before.toLowerCase(), cert.serialNumber.toLowerCase());
    await agentServer.renewal.renewNow();
    assert.notEqual(await served(), before);
  });

  test('kubectl logs and exec reach the joined agent through the API server', async () => {
    const manifest = JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'hello', namespace: 'default' },
      // no kube-api-access volume: as root the agent would mount a tmpfs under the test's temp dir
      spec: { nodeName: NODE, automountServiceAccountToken: false, containers: [{ name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] }] },
    });
    const created = await server.kubectl(['apply', '-f', '-'], { stdin: manifest });
    assert.equal(created.code, 0, created.stderr);
    const container = await until('the container runs', async () => [...runtime.containers.values()].find((c) => c.config.metadata?.name === 'app' && c.status.state === 'CONTAINER_RUNNING'));
    await until('pod Running', async () => ((await server.kubectl(['get', 'pod', 'hello', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running' ? true : undefined));
    const logPath = container.status.logPath;
    assert.ok(logPath, 'the fake runtime knows the log path');
    await mkdir(dirname(logPath), { recursive: true });
    await writeFile(logPath, '2026-01-01T00:00:00.000000000Z stdout F hello from a joined node\n');

    const logs = await server.kubectl(['logs', 'hello']);
    assert.equal(logs.code, 0, logs.stderr);
    assert.equal(logs.stdout, 'hello from a joined node\n');

    const exec = await server.kubectl(['exec', '-i', 'hello', '--', 'cat'], { stdin: 'abc' });
    assert.equal(exec.stdout, 'OUT:ABC', `code ${exec.code} stderr ${exec.stderr} opened ${streaming.opened.join(',')}`);
    assert.equal(exec.code, 3, 'the fake streaming server exits with the length of stdin');
  });

  test('the client certificate rotates in place: a selfnodeclient CSR, auto-approved, and the agent switches over', async () => {
    const kubeconfig = standalone!.joined!.kubeconfigPath;
    const serialOf = async (): Promise<string> => {
      const kc = await readFile(kubeconfig, 'utf8');
      const pem = Buffer.from(/client-certificate-data: (\S+)/.exec(kc)![1]!, 'base64').toString();
      return new x509.X509Certificate(pem).serialNumber;
    };
    const before = await serialOf();
    const year = 365 * 24 * 3600_000;
    assert.ok(standalone!.rotation!.nextAt > Date.now() + 0.69 * year && standalone!.rotation!.nextAt < Date.now() + 0.91 * year, 'due at 70-90% of its life');
    await standalone!.rotation!.renewNow();
    assert.notEqual(await serialOf(), before, 'the kubeconfig holds the new certificate');
    const list = JSON.parse((await server.kubectl(['get', 'csr', '-o', 'json'])).stdout) as { items: Csr[] };
    const renewal = list.items.find((c) => c.spec.signerName === 'kubernetes.io/kube-apiserver-client-kubelet' && c.spec.username === `system:node:${NODE}`);
    assert.ok(renewal, 'the node asked for itself');
    assert.equal(renewal.status?.conditions?.[0]?.reason, 'AutoApproved');
    const who = await server.kubectl(['auth', 'whoami', '--kubeconfig', kubeconfig, '-o', 'jsonpath={.status.userInfo.username}']);
    assert.equal(who.stdout, `system:node:${NODE}`);
    const node = await standalone!.client.get<{ metadata: { name: string } }>({ group: '', version: 'v1', resource: 'nodes', namespaced: false }, undefined, NODE);
    assert.equal(node.metadata.name, NODE, 'the agent keeps working with the new certificate');
  });

  test('with --kubeconfig (an administrator\'s credentials) the serving CSR waits for kubectl certificate approve', async () => {
    const dataDir = join(work, 'worker-k');
    const other = await startStandaloneAgent({
      kubeconfig: server.kubeconfig, dataDir, nodeName: 'worker-k', runtime: new FakeRuntime(), kubeletPort: await freePort(),
      agent: { hostInfo: async () => ({ ...(await readHostInfo(dataDir)), internalIPs: ['127.0.0.1'] }), cgroups: new NoPodCgroups() },
    });
    try {
      assert.equal(other.joined, undefined);
      assert.equal(other.rotation, undefined, 'credentials the agent did not get itself are not rotated');
      const pending = await until('a pending serving CSR', async () => {
        const list = JSON.parse((await server.kubectl(['get', 'csr', '-o', 'json'])).stdout) as { items: Csr[] };
        return list.items.find((c) => c.spec.signerName === 'kubernetes.io/kubelet-serving' && c.spec.username === 'system:admin');
      });
      await new Promise((r) => setTimeout(r, 500));
      const still = await server.kubectl(['get', 'csr', pending.metadata.name, '-o', 'jsonpath={.status.conditions}']);
      assert.equal(still.stdout, '', 'not auto-approved: the requester is not the node');
      const approved = await server.kubectl(['certificate', 'approve', pending.metadata.name]);
      assert.equal(approved.code, 0, approved.stderr);
      const agentServer = await other.agentServer;
      assert.ok(agentServer, 'the agent API starts once approved');
    } finally {
      await other.stop();
    }
  });

  test('kite token create / list / delete: a new token joins another node; a deleted one is refused', async () => {
    const created = await runKite(['token', 'create', '--kubeconfig', server.kubeconfig, '--ttl', '2h', '--description', 'second worker']);
    assert.equal(created.code, 0, created.stderr);
    const second = created.stdout.trim();
    assert.equal(second.slice(0, 67), token.slice(0, 67), 'same CA hash as the node-token');
    const id = second.slice(69, 75);
    const list = await runKite(['token', 'list', '--kubeconfig', server.kubeconfig]);
    assert.match(list.stdout, /^TOKEN\s+EXPIRES\s+USAGES\s+DESCRIPTION\s+EXTRA GROUPS\n/);
    assert.match(list.stdout, new RegExp(`${id}\\.\\*+\\s+\\d{4}-\\d\\d-\\d\\dT[\\d:]+Z\\s+authentication,signing\\s+second worker\\s+system:bootstrappers:kite:default-node-token`));
    assert.doesNotMatch(list.stdout, new RegExp(second.slice(76)), 'secrets are not listed');

    const joined = await joinCluster({ server: server.url, token: second, dataDir: join(work, 'worker-2'), nodeName: 'worker-2' });
    assert.equal(joined.issued, true);

    const deleted = await runKite(['token', 'delete', id, '--kubeconfig', server.kubeconfig]);
    assert.equal(deleted.stdout.trim(), `bootstrap token "${id}" deleted`);
    await assert.rejects(
      joinCluster({ server: server.url, token: second, dataDir: join(work, 'worker-3'), nodeName: 'worker-3' }),
      /refused the join token \(401 Unauthorized\)/,
    );

    // the token cleaner removes a token once it expires
    const brief = (await runKite(['token', 'create', '--kubeconfig', server.kubeconfig, '--ttl', '2s'])).stdout.trim();
    const briefSecret = `bootstrap-token-${brief.slice(69, 75)}`;
    await until('the expired token is deleted', async () =>
      (await server.kubectl(['get', 'secret', '-n', 'kube-system', briefSecret])).stderr.includes('NotFound') ? true : undefined);
  });

  test('kubectl certificate approve / deny with kube-apiserver-client: an approved user certificate works; system:masters is refused', async () => {
    const manifest = async (name: string, o: string[]): Promise<{ yaml: string; keyPem: string }> => {
      const { csrPem, keyPem } = await createCsr({ commonName: name, organizations: o });
      return {
        keyPem,
        yaml: JSON.stringify({
          apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name },
          spec: { request: Buffer.from(csrPem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', expirationSeconds: 86400, usages: ['client auth'] },
        }),
      };
    };
    const jane = await manifest('jane', ['devs']);
    const bob = await manifest('bob', []);
    for (const m of [jane, bob]) assert.equal((await server.kubectl(['create', '-f', '-'], { stdin: m.yaml })).code, 0);
    let r = await server.kubectl(['certificate', 'approve', 'jane']);
    assert.equal(r.stdout.trim(), 'certificatesigningrequest.certificates.k8s.io/jane approved', r.stderr);
    r = await server.kubectl(['certificate', 'deny', 'bob']);
    assert.equal(r.stdout.trim(), 'certificatesigningrequest.certificates.k8s.io/bob denied', r.stderr);
    const certB64 = await until('jane issued', async () => (await server.kubectl(['get', 'csr', 'jane', '-o', 'jsonpath={.status.certificate}'])).stdout || undefined);
    const table = (await server.kubectl(['get', 'csr', 'jane', 'bob'])).stdout;
    assert.match(table, /bob\s+\S+\s+kubernetes\.io\/kube-apiserver-client\s+system:admin\s+24h\s+Denied\n/);
    assert.match(table, /jane\s+\S+\s+kubernetes\.io\/kube-apiserver-client\s+system:admin\s+24h\s+Approved,Issued\n/);

    const kubeconfig = join(work, 'jane.kubeconfig');
    await writeKubeconfig(kubeconfig, { server: server.url, caPem: await readFile(join(server.dataDir, 'tls', 'server-ca.crt'), 'utf8'), certPem: Buffer.from(certB64, 'base64').toString(), keyPem: jane.keyPem });
    const who = await server.kubectl(['auth', 'whoami', '--kubeconfig', kubeconfig, '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}']);
    assert.equal(who.stdout, 'jane ["devs","system:authenticated"]', who.stderr);

    const root = await manifest('root', ['system:masters']);
    r = await server.kubectl(['create', '-f', '-'], { stdin: root.yaml });
    assert.match(r.stderr, /use of kubernetes\.io\/kube-apiserver-client signer with system:masters group is not allowed/);
  });
});
