// The tutorial's seed manifests (examples/) the way a reader tries them: a real `kite server` with
// its embedded node agent on kite's own containerd, kite's locally built images, and nothing but
// the real kubectl (apply, rollout status, exec, exec -it in a terminal, logs -f, port-forward).
// The node gets its own pod subnet, bridge, cgroup root and kubelet port, so this runs next to
// `kite up` or another test's node on the same host.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { cgroupMountPoints } from '../../src/agent/runtime/cgroups.js';
import { importLocalImages } from '../../src/cli/up/cluster-client.js';
import { serverLayout } from '../../src/cli/up/server-process.js';
import { teardownNode } from '../../src/cli/up/teardown.js';
import { containerdSkipReason } from '../util/containerd.js';
import { type KiteServer, freePort, startKiteServer } from '../util/kite-server.js';
import { startTmux, tmuxSkipReason } from '../util/tmux.js';
import { processesUsing } from '../util/processes.js';
import { untilWithin } from '../util/until.js';

const EXAMPLES = fileURLToPath(new URL('../../../examples/', import.meta.url));
const NS = 'examples';
// examples/README.md's ticker (the trap: a shell as PID 1 ignores SIGTERM otherwise).
const TICKER = "trap 'exit 0' TERM; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.5; done";

const skip = containerdSkipReason() ?? tmuxSkipReason();
if (skip) console.log(`# examples e2e skipped: ${skip}`);

const until = untilWithin(30_000, 100);

const httpGet = (url: string): Promise<{ status: number; body: string }> =>
  fetch(url, { signal: AbortSignal.timeout(3000) }).then(async (r) => ({ status: r.status, body: await r.text() }));

/** Processes whose command line mentions dir (kite server, containerd, shims). */

/** A number for this run's bridge kex<N> and subnet 10.47.<N>.0/24 that no other run holds. */
function freeSlot(): number {
  for (;;) {
    const n = 10 + Math.floor(Math.random() * 240);
    if (!existsSync(`/sys/class/net/kex${n}`)) return n;
  }
}

/** A kubectl left running (logs -f, port-forward) whose output is read as it comes. */
function spawnKubectl(server: KiteServer, args: string[]): { child: ChildProcess; out: () => string; exited: Promise<void> } {
  const child = spawn('kubectl', ['--kubeconfig', server.kubeconfig, '-n', NS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, out: () => out, exited };
}

describe('the examples/ manifests through kubectl on a real node (e2e)', { skip, timeout: 240_000 }, () => {
  let server: KiteServer;
  let root = '';
  let hostDir = '';
  const slot = freeSlot();
  const node = { name: `examples-${slot}`, cidr: `10.47.${slot}.0/24`, bridge: `kex${slot}`, cgroupRoot: `/kite-examples-${slot}` };
  const kubectl = async (args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<string> => {
    const r = await server.kubectl(['-n', NS, ...args], opts);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const kubectlFails = async (args: string[]): Promise<string> => {
    const r = await server.kubectl(['-n', NS, ...args]);
    assert.notEqual(r.code, 0, `kubectl ${args.join(' ')} should have failed:\n${r.stdout}`);
    return r.stderr + r.stdout;
  };
  const example = (name: string): Promise<string> => readFile(join(EXAMPLES, name), 'utf8');
  const waitReady = (what: string): Promise<string> => kubectl(['wait', '--for=condition=Ready', what, '--timeout=60s'], { timeoutMs: 70_000 });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'kite-examples-'));
    hostDir = join(root, 'test-pd'); // not there yet: DirectoryOrCreate makes it
    server = await startKiteServer({
      agent: true,
      args: ['--node-name', node.name, '--pod-cidr', node.cidr, '--pod-bridge', node.bridge, '--cgroup-root', node.cgroupRoot, '--kubelet-port', String(await freePort())],
    });
    // What `kite up` does before the tutorial: kite's busybox and hello-web images into the node.
    await importLocalImages(serverLayout(server.dataDir), 30_000);
    await until('the node to be Ready', async () => {
      const r = await server.kubectl(['get', 'node', node.name, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
      return r.stdout === 'True' ? true : undefined;
    }, 60_000);
    await server.kubectl(['create', 'namespace', NS]);
    await kubectl(['create', 'secret', 'generic', 'db-credentials', '--from-literal=username=admin', '--from-literal=password=s3cr3t!']);
    const testPd = (await example('test-pd.yaml')).replace('path: /tmp/kite-test-pd', `path: ${hostDir}`);
    assert.ok(testPd.includes(`path: ${hostDir}`), 'the hostPath of test-pd.yaml did not move');
    await kubectl(['apply', '-f', join(EXAMPLES, 'webserver-deployment.yaml')]);
    await kubectl(['apply', '-f', '-'], { stdin: testPd });
    for (const f of ['secret-env.yaml', 'security-context.yaml', 'root-refused.yaml']) await kubectl(['apply', '-f', join(EXAMPLES, f)]);
    // The README's logs -f example: a pod that prints a line every half second.
    await kubectl(['run', 'ticker', '--image=kite.local/busybox:latest', '--image-pull-policy=IfNotPresent', '--restart=Never', '--', 'sh', '-c', TICKER]);
  });

  after(async () => {
    if (!server) {
      if (root) await rm(root, { recursive: true, force: true });
      return;
    }
    const t0 = performance.now();
    try {
      // The agent removes the pods' sandboxes once the API forgot them; then nothing runs in shims.
      await server.kubectl(['delete', 'namespace', NS, '--wait=false']);
      // The busybox pods run sleep loops: do not wait out their 30 s grace period.
      await server.kubectl(['delete', 'pods', '--all', '-n', NS, '--grace-period=1', '--wait=false']);
      await server.kubectl(['wait', '--for=delete', `namespace/${NS}`, '--timeout=60s'], { timeoutMs: 70_000 });
      await until('the node to have no pods', async () => {
        const r = await server.kubectl(['get', 'pods', '-A', '--field-selector', `spec.nodeName=${node.name}`, '-o', 'name']);
        return r.code === 0 && r.stdout.trim() === '' ? true : undefined;
      }, 60_000);
      await until('the pod sandboxes to go', () => (processesUsing(server.dataDir).some((p) => p.includes('containerd-shim')) ? undefined : true), 30_000);
      console.log(`# examples: pods gone ${((performance.now() - t0) / 1000).toFixed(1)} s after the namespace delete`);
    } finally {
      await server.stop({ cleanup: false });
      const left = processesUsing(server.dataDir);
      const report = await teardownNode(serverLayout(server.dataDir).agentDir, { cgroupRoot: node.cgroupRoot, bridge: node.bridge });
      await rm(server.dataDir, { recursive: true, force: true });
      await rm(root, { recursive: true, force: true });
      assert.deepEqual(left, [], 'kite server, containerd or shims are left after SIGTERM');
      assert.equal(report.sandboxes, 0, 'pod sandboxes were left for kite down to remove');
      assert.equal(existsSync(`/sys/class/net/${node.bridge}`), false, 'the pod bridge is left');
      assert.deepEqual(cgroupMountPoints().filter((m) => existsSync(join(m, node.cgroupRoot))), [], 'pod cgroups are left');
    }
  });

  test('webserver: 3/3 ready, each pod serves HTTP on its pod IP, port-forward serves it locally', async () => {
    const rollout = await kubectl(['rollout', 'status', 'deployment/webserver', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.match(rollout, /deployment "webserver" successfully rolled out/);
    const ready = await kubectl(['get', 'deployment', 'webserver', '-o', 'jsonpath={.status.readyReplicas}/{.spec.replicas}']);
    assert.equal(ready, '3/3');
    const ips = (await kubectl(['get', 'pods', '-l', 'app=webserver', '-o', 'jsonpath={.items[*].status.podIP}'])).split(' ');
    assert.equal(ips.length, 3);
    for (const ip of ips) {
      assert.ok(ip.startsWith(`10.47.${slot}.`), `pod IP ${ip} is not in ${node.cidr}`);
      const page = await httpGet(`http://${ip}:8080/`);
      assert.equal(page.status, 200);
      assert.match(page.body, /Hello from kite/);
    }
    const local = await freePort();
    const pf = spawnKubectl(server, ['port-forward', 'deployment/webserver', `${local}:8080`]);
    try {
      await until('port-forward to listen', () => (pf.out().includes(`Forwarding from 127.0.0.1:${local} -> 8080`) ? true : undefined), 15_000);
      for (let i = 0; i < 3; i++) {
        const page = await httpGet(`http://127.0.0.1:${local}/`);
        assert.equal(page.status, 200);
        assert.match(page.body, /Hello from kite/);
      }
    } finally {
      pf.child.kill('SIGTERM');
      await pf.exited;
    }
  });

  test('logs -f: lines stream as the container prints them, until kubectl is stopped', async () => {
    await waitReady('pod/ticker');
    const follow = spawnKubectl(server, ['logs', '-f', 'ticker', '--tail=1']);
    try {
      // Seen one by one, while kubectl keeps running: not one answer at the end.
      const arrivals: number[] = [];
      let first = 0;
      for (let n = 0; n < 3; n++) {
        const ticks = await until(`tick ${n + 1} of the stream`, () => {
          const seen = follow.out().match(/tick \d+/g) ?? [];
          return seen.length > n ? seen : undefined;
        }, 10_000);
        if (n === 0) first = Number(ticks[0]!.split(' ')[1]);
        arrivals.push(performance.now());
      }
      assert.match(follow.out(), new RegExp(`^tick ${first}\ntick ${first + 1}\ntick ${first + 2}\n`));
      assert.ok(arrivals[2]! - arrivals[0]! > 500, 'the lines came all at once');
      assert.equal(follow.child.exitCode, null, 'kubectl logs -f ended by itself');
    } finally {
      follow.child.kill('SIGTERM');
      await follow.exited;
    }
  });

  test('test-pd: the hostPath directory is shared between the node and the pod', async () => {
    await waitReady('pod/test-pd');
    assert.ok(existsSync(hostDir), 'DirectoryOrCreate did not make the directory on the node');
    await kubectl(['exec', 'test-pd', '--', 'sh', '-c', 'echo hello from the pod > /test-pd/hello.txt']);
    assert.equal(await readFile(join(hostDir, 'hello.txt'), 'utf8'), 'hello from the pod\n');
    await writeFile(join(hostDir, 'node.txt'), 'hello from the node\n');
    assert.equal(await kubectl(['exec', 'test-pd', '--', 'cat', '/test-pd/node.txt']), 'hello from the node\n');
  });

  test('secret-env: the env from a Secret made with --from-literal', async () => {
    await waitReady('pod/secret-env');
    const logs = await until('the logged variables', async () => {
      const out = await kubectl(['logs', 'secret-env']);
      return out.includes('DB_PASSWORD') ? out : undefined;
    });
    assert.equal(logs, 'DB_USER=admin\nDB_PASSWORD=s3cr3t!\n');
    const env = (await kubectl(['exec', 'secret-env', '--', 'env'])).split('\n');
    assert.ok(env.includes('DB_USER=admin'), env.join('\n'));
    assert.ok(env.includes('DB_PASSWORD=s3cr3t!'), env.join('\n'));
  });

  test('security-context: non-root uid, read-only /, writable /tmp, no capabilities, no new privileges', async () => {
    await waitReady('pod/security-context');
    assert.equal(await kubectl(['exec', 'security-context', '--', 'id', '-u']), '1000\n');
    assert.equal(await kubectl(['exec', 'security-context', '--', 'id', '-g']), '1000\n');
    assert.match(await kubectlFails(['exec', 'security-context', '--', 'touch', '/x']), /Read-only file system/);
    await kubectl(['exec', 'security-context', '--', 'touch', '/tmp/x']);
    assert.equal(await kubectl(['exec', 'security-context', '--', 'ls', '/tmp']), 'x\n');
    const status = await kubectl(['exec', 'security-context', '--', 'cat', '/proc/self/status']);
    assert.match(status, /^CapEff:\s+0+$/m);
    assert.match(status, /^CapBnd:\s+0+$/m);
    assert.match(status, /^NoNewPrivs:\s+1$/m);
  });

  test("service account credentials: every pod gets a bound token, the cluster CA and its namespace", async () => {
    await waitReady('pod/security-context');
    const dir = '/var/run/secrets/kubernetes.io/serviceaccount';
    // Read as the pod's non-root user: the token file belongs to it.
    const token = await kubectl(['exec', 'security-context', '--', 'cat', `${dir}/token`]);
    assert.equal(await kubectl(['exec', 'security-context', '--', 'cat', `${dir}/namespace`]), NS);
    const ca = await kubectl(['exec', 'security-context', '--', 'cat', `${dir}/ca.crt`]);
    assert.equal(ca, readFileSync(join(server.dataDir, 'tls', 'server-ca.crt'), 'utf8'));
    const who = await server.kubectl(['auth', 'whoami', '--token', token, '--kubeconfig', '/dev/null', '--server', server.url, '--certificate-authority', join(server.dataDir, 'tls', 'server-ca.crt'), '-o', 'jsonpath={.status.userInfo.username}']);
    assert.equal(who.stdout, `system:serviceaccount:${NS}:default`, who.stderr);
    assert.match(await kubectlFails(['exec', 'security-context', '--', 'touch', `${dir}/x`]), /Read-only file system/);
  });

  test('root-refused: CreateContainerConfigError with the kubelet\'s message, in get, describe and events', async () => {
    const message = await until('the waiting message', async () => {
      const r = await kubectl(['get', 'pod', 'root-refused', '-o', 'jsonpath={.status.containerStatuses[0].state.waiting.reason}|{.status.containerStatuses[0].state.waiting.message}']);
      return r.startsWith('CreateContainerConfigError|') ? r.slice(r.indexOf('|') + 1) : undefined;
    });
    const uid = await kubectl(['get', 'pod', 'root-refused', '-o', 'jsonpath={.metadata.uid}']);
    assert.equal(message, `container has runAsNonRoot and image will run as root (pod: "root-refused_${NS}(${uid})", container: app)`);
    assert.match(await kubectl(['get', 'pod', 'root-refused', '--no-headers']), /^root-refused\s+0\/1\s+CreateContainerConfigError\s+0\s/);
    const describe = await kubectl(['describe', 'pod', 'root-refused']);
    assert.match(describe, /Reason:\s+CreateContainerConfigError/);
    assert.match(describe, /Warning\s+Failed\s+.*Error: container has runAsNonRoot and image will run as root/);
  });

  test('exec -it: an interactive shell in a terminal (tmux)', async () => {
    await waitReady('pod/test-pd');
    const term = await startTmux(['kubectl', '--kubeconfig', server.kubeconfig, '-n', NS, 'exec', '-it', 'test-pd', '--', 'sh']);
    try {
      await term.waitFor(/^\/ # ?$/m);
      await term.send('echo $((6*7))');
      await term.waitFor(/^42\s*$/m);
      await term.send('tty');
      await term.waitFor(/^\/dev\/pts\/\d+\s*$/m);
      await term.send('exit');
      await until('kubectl exec -it to end', async () => ((await term.alive()) ? undefined : true), 10_000);
    } finally {
      await term.close();
    }
  });
});
