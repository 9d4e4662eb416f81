// `kite agent --server --token` end to end: the real CLI joins an API-only `kite server` with its
// node token, runs pods on real containerd (a throw-away instance with its own bridge, subnet and
// cgroups), reads what they use through the Node authorizer, serves logs/exec to kubectl, and
// restarts without the token.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { containerdSkipReason, startTestContainerd, type TestContainerd } from '../util/containerd.js';
import { KITE_BIN, type KiteServer, freePort, startKiteServer } from '../util/kite-server.js';
import { untilWithin } from '../util/until.js';

const skip = containerdSkipReason();
if (skip) console.log(`# agent join e2e skipped: ${skip}`);

const until = untilWithin(60_000, 250);

describe('kite agent joins with a token (e2e, containerd)', { skip }, () => {
  const nodeName = `e2e-join-${process.pid}`;
  let server: KiteServer;
  let c: TestContainerd;
  let dataDir: string;
  let kubeletPort: number;
  let agent: ChildProcess | undefined;
  let agentLog = '';

  const startAgent = (extra: string[]): ChildProcess => {
    const child = spawn(process.execPath, [
      KITE_BIN, 'agent', '--data-dir', dataDir, '--node-name', nodeName, '--container-runtime-endpoint', c.endpoint,
      '--cgroup-root', c.cgroupRoot, '--kubelet-port', String(kubeletPort), ...extra,
    ], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KITE_LOG_LEVEL: 'info' } });
    child.stdout!.on('data', (d: Buffer) => (agentLog += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (agentLog += d.toString()));
    return child;
  };
  const stopAgent = async (): Promise<void> => {
    if (!agent || agent.exitCode !== null) return;
    const exited = once(agent, 'exit');
    agent.kill('SIGTERM');
    await exited;
  };
  const kubectl = async (args: string[], stdin?: string): Promise<string> => {
    const r = await server.kubectl(args, { stdin });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}\nagent log:\n${agentLog.slice(-3000)}`);
    return r.stdout;
  };

  before(async () => {
    [server, c] = await Promise.all([startKiteServer(), startTestContainerd({ images: ['busybox'] })]);
    dataDir = await mkdtemp(join(tmpdir(), 'kite-agent-join-e2e-'));
    kubeletPort = await freePort();
  });

  after(async () => {
    await server?.kubectl(['delete', 'pod', '--all', '--wait=true', '--timeout=60s']).catch(() => undefined);
    await stopAgent();
    await c?.stop();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  test('joins, registers Ready as system:node:<name>, and runs a pod using a secret, a config map and a token', async () => {
    const token = (await readFile(join(server.dataDir, 'node-token'), 'utf8')).trim();
    agent = startAgent(['--server', server.url, '--token', token]);
    await until('node Ready', async () =>
      (await server.kubectl(['get', 'node', nodeName, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}'])).stdout === 'True' || undefined);
    await until('serving certificate', async () => (agentLog.includes('agent API serving') ? true : undefined));

    await kubectl(['create', 'secret', 'generic', 'db', '--from-literal=password=s3cret']);
    await kubectl(['create', 'configmap', 'greeting', '--from-literal=msg=hello from a joined node']);
    await kubectl(['apply', '-f', '-'], JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'joined', namespace: 'default' },
      spec: {
        // the token is projected explicitly below; no kube-api-access volume (kube-root-ca.crt) needed
        nodeName, terminationGracePeriodSeconds: 2, automountServiceAccountToken: false,
        containers: [{
          name: 'app', image: 'kite.local/busybox:latest', imagePullPolicy: 'Never',
          command: ['sh', '-c', 'echo $MSG; cat /db/password; echo; head -c 3 /tok/token; echo; trap "exit 0" TERM; while :; do sleep 1 & wait $!; done'],
          env: [{ name: 'MSG', valueFrom: { configMapKeyRef: { name: 'greeting', key: 'msg' } } }],
          volumeMounts: [{ name: 'db', mountPath: '/db' }, { name: 'tok', mountPath: '/tok' }],
        }],
        volumes: [
          { name: 'db', secret: { secretName: 'db' } },
          { name: 'tok', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600 } }] } },
        ],
      },
    }));
    await until('pod Running', async () => ((await server.kubectl(['get', 'pod', 'joined', '-o', 'jsonpath={.status.phase}'])).stdout === 'Running' || undefined));
    const logs = await until('logs', async () => {
      const out = (await server.kubectl(['logs', 'joined'])).stdout;
      return out.split('\n').length >= 4 ? out : undefined;
    });
    assert.equal(logs, 'hello from a joined node\ns3cret\neyJ\n');
    assert.equal(await kubectl(['exec', 'joined', '--', 'sh', '-c', 'echo exec on $(hostname)']), 'exec on joined\n');
  });

  test('restarts from its own kubeconfig: no token, no new certificate requests', async () => {
    const csrsBefore = await kubectl(['get', 'csr', '-o', 'name']);
    assert.equal(csrsBefore.trim().split('\n').length, 2, 'one client and one serving request');
    await stopAgent();
    agentLog = '';
    agent = startAgent([]);
    await until('agent API again', async () => (agentLog.includes('agent API serving') ? true : undefined));
    assert.equal(await kubectl(['get', 'csr', '-o', 'name']), csrsBefore);
    assert.match(await kubectl(['logs', 'joined']), /^hello from a joined node\n/);
  });
});
