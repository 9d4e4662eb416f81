// Image pulls from a real registry end to end: Debian's docker-registry on loopback (one open, one
// behind htpasswd basic auth) holding images kite built and pushed itself, a real `kite server`,
// kite's agent in this process against real containerd, and the real kubectl. containerd reaches a
// plain-HTTP registry on 127.0.0.1 by itself (it falls back to HTTP for loopback); any other
// plain-HTTP registry needs a certs.d/<host:port>/hosts.toml, which the last test writes.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import type { Pod, ServiceAccount } from 'kubernetes-types/core/v1.js';
import { type Agent, startAgent } from '../../src/agent/agent.js';
import { renderPlainHttpHosts } from '../../src/agent/containerd/config.js';
import { busyboxImage } from '../../src/agent/images/builtin.js';
import type { BuiltOciImage, OciImageSpec } from '../../src/agent/images/oci-layout.js';
import { RestClient } from '../../src/client/rest-client.js';
import { PODS, SERVICE_ACCOUNTS } from '../../src/client/resources.js';
import { containerdSkipReason, startTestContainerd, type TestContainerd } from '../util/containerd.js';
import { freePort, KITE_BIN, type KiteServer, startKiteServer } from '../util/kite-server.js';
import { registrySkipReason, startTestRegistry, type TestRegistry } from '../util/registry.js';
import { untilWithin } from '../util/until.js';

const skip = containerdSkipReason() ?? registrySkipReason();
if (skip) console.log(`# registry pull e2e skipped: ${skip}`);

const until = untilWithin(60_000, 100);

/** busybox plus /version, so two pushes under one tag are different images. */
const versioned = (version: string): OciImageSpec => {
  const base = busyboxImage();
  return { ...base, layers: [...base.layers, { files: [{ path: '/version', content: `${version}\n` }] }] };
};

// Exits promptly on SIGTERM (PID 1 ignores signals it has no trap for).
const SLEEPER = ['sh', '-c', 'trap "exit 0" TERM; cat /version; while :; do sleep 1 & wait $!; done'];
const USER = { username: 'kite-puller', password: 's3cret-pw' };

/** An IPv4 address of this machine other than loopback: containerd speaks only HTTPS to it by default. */
const outsideAddress = Object.entries(networkInterfaces())
  .filter(([name]) => name === 'eth0' || name.startsWith('en'))
  .flatMap(([, addrs]) => addrs ?? [])
  .find((a) => a.family === 'IPv4' && !a.internal)?.address;

describe('image pulls from a registry (e2e)', { skip }, () => {
  let server: KiteServer;
  let c: TestContainerd;
  let client: RestClient;
  let agent: Agent;
  let open: TestRegistry;
  let locked: TestRegistry;
  let v1: BuiltOciImage;
  let priv: BuiltOciImage;
  const nodeName = `e2e-registry-${process.pid}`;

  const apply = async (name: string, spec: Record<string, unknown>): Promise<void> => {
    const manifest = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
      spec: { terminationGracePeriodSeconds: 2, ...spec },
    };
    const res = await server.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(manifest) });
    assert.equal(res.code, 0, res.stderr);
  };
  const container = (image: string, imagePullPolicy: string): Record<string, unknown> => ({ name: 'app', image, imagePullPolicy, command: SLEEPER });
  const getPod = (name: string): Promise<Pod> => client.get<Pod>(PODS, 'default', name);
  const appStatus = (pod: Pod) => pod.status?.containerStatuses?.find((s) => s.name === 'app');
  const running = (name: string): Promise<Pod> => until(`${name} Running`, async () => {
    const pod = await getPod(name);
    return pod.status?.phase === 'Running' && appStatus(pod)?.state?.running ? pod : undefined;
  });
  const waitingReason = (name: string, reason: string): Promise<{ reason?: string; message?: string }> => until(`${name} waiting ${reason}`, async () => {
    const waiting = appStatus(await getPod(name))?.state?.waiting;
    return waiting?.reason === reason ? waiting : undefined;
  });
  /** "Reason: message" lines of the pod's events, oldest first. */
  const events = async (name: string): Promise<string[]> => {
    const res = await server.kubectl(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '--sort-by', '.metadata.creationTimestamp',
      '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
    assert.equal(res.code, 0, res.stderr);
    return res.stdout.split('\n').filter(Boolean);
  };
  const eventually = (name: string, pattern: RegExp): Promise<string[]> =>
    until(`an event of ${name} matching ${pattern}`, async () => {
      const lines = await events(name);
      return lines.some((l) => pattern.test(l)) ? lines : undefined;
    }, 15_000);

  before(async () => {
    // Each started piece is kept even when another fails, so after() stops it (a leaked containerd
    // or registry child would keep this process alive).
    const started = await Promise.allSettled([
      startKiteServer().then((s) => (server = s)) /* API-only: the only node is the agent this test runs */,
      startTestContainerd({ images: [] }).then((x) => (c = x)),
      startTestRegistry().then((r) => (open = r)),
      startTestRegistry({ auth: USER }).then((r) => (locked = r)),
    ]);
    const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    v1 = await open.push(versioned('v1'), 'kite/busybox', 'pulled');
    priv = await locked.push(versioned('private'), 'kite/private', '1');
    client = await RestClient.fromKubeconfig(server.kubeconfig);
    agent = await startAgent({
      client, runtime: c.runtime, dataDir: c.dataDir, nodeName, cgroupRoot: c.cgroupRoot, kubeletPort: await freePort(),
      log: { info() {}, warn: (o, m) => console.error('agent:', m, JSON.stringify(o)), error: (o, m) => console.error('agent:', m, JSON.stringify(o)) },
    });
  });

  after(async () => {
    const stops: [string, (() => Promise<void>) | undefined][] = [
      ['agent', agent && (() => agent.stop())], ['containerd', c && (() => c.stop())], ['kite server', server && (() => server.stop())],
      ['registry', open && (() => open.stop())], ['auth registry', locked && (() => locked.stop())],
    ];
    for (const [what, stop] of stops) await stop?.().catch((err: unknown) => console.error(`stopping the ${what} failed:`, err));
  });

  test('the pushed image is served by the registry (the push utility works)', async () => {
    const res = await fetch(`${open.url}/v2/kite/busybox/manifests/pulled`, { method: 'HEAD', headers: { accept: v1.manifest.mediaType } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('docker-content-digest'), v1.manifest.digest);
    assert.equal((await fetch(`${locked.url}/v2/kite/private/manifests/1`, { method: 'HEAD' })).status, 401);
  });

  test('IfNotPresent pulls an image the node lacks: Pulling/Pulled events, CRI lists it, the pod Runs', async () => {
    const image = `${open.host}/kite/busybox:pulled`;
    assert.equal((await c.runtime.imageStatus({ image })).image, undefined, 'not on the node before the pod');
    await apply('pulled', { containers: [container(image, 'IfNotPresent')] });
    const pod = await running('pulled');
    assert.equal(appStatus(pod)?.image, image);
    assert.equal(appStatus(pod)?.imageID, `${open.host}/kite/busybox@${v1.manifest.digest}`);
    const lines = await eventually('pulled', /^Started: /);
    assert.ok(lines.includes(`Pulling: Pulling image "${image}"`), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith(`Pulled: Successfully pulled image "${image}" in `) && /Image size: [1-9]\d* bytes\.$/.test(l)), lines.join('\n'));
    const listed = (await c.runtime.listImages()).find((i) => i.repoTags.includes(image));
    assert.ok(listed, 'CRI ListImages shows the pulled image');
    assert.equal(listed.id, v1.config.digest);
    assert.deepEqual(listed.repoDigests, [`${open.host}/kite/busybox@${v1.manifest.digest}`]);
    const { stdout } = await promisify(execFile)(process.execPath, [KITE_BIN, 'image', 'ls', '--container-runtime-endpoint', c.endpoint]);
    const row = stdout.split('\n').find((l) => l.startsWith(`${open.host}/kite/busybox `));
    assert.match(row ?? '', new RegExp(`^${open.host}/kite/busybox\\s+pulled\\s+${v1.config.digest.slice(7, 20)}\\s`), stdout);
  });

  test('IfNotPresent with the image present does not pull again', async () => {
    const image = `${open.host}/kite/busybox:pulled`;
    await apply('present', { containers: [container(image, 'IfNotPresent')] });
    await running('present');
    const lines = await eventually('present', /^Started: /);
    assert.ok(lines.includes(`Pulled: Container image "${image}" already present on machine`), lines.join('\n'));
    assert.ok(!lines.some((l) => l.startsWith('Pulling: ')), lines.join('\n'));
  });

  test('Always pulls again and gets what the tag now names', async () => {
    const image = `${open.host}/kite/busybox:pulled`;
    const v2 = await open.push(versioned('v2'), 'kite/busybox', 'pulled');
    assert.notEqual(v2.manifest.digest, v1.manifest.digest);
    await apply('always', { containers: [container(image, 'Always')] });
    const pod = await running('always');
    assert.equal(appStatus(pod)?.imageID, `${open.host}/kite/busybox@${v2.manifest.digest}`);
    const lines = await eventually('always', /^Started: /);
    assert.ok(lines.includes(`Pulling: Pulling image "${image}"`), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith(`Pulled: Successfully pulled image "${image}" in `)), lines.join('\n'));
    assert.equal((await c.runtime.imageStatus({ image })).image?.id, v2.config.digest);
  });

  test('an image named by digest runs that exact image, though its tag has moved on', async () => {
    const image = `${open.host}/kite/busybox@${v1.manifest.digest}`;
    await apply('bydigest', { containers: [container(image, 'Always')] });
    const pod = await running('bydigest');
    assert.equal(appStatus(pod)?.imageID, image);
    assert.equal((await c.runtime.imageStatus({ image })).image?.id, v1.config.digest);
    const lines = await eventually('bydigest', /^Started: /);
    assert.ok(lines.includes(`Pulling: Pulling image "${image}"`), lines.join('\n'));
  });

  test('a tag the registry lacks: ErrImagePull with "not found"', async () => {
    const image = `${open.host}/kite/busybox:no-such-tag`;
    await apply('missing', { containers: [container(image, 'IfNotPresent')] });
    const waiting = await waitingReason('missing', 'ErrImagePull');
    assert.match(waiting.message ?? '', /not found/);
    const lines = await eventually('missing', /^Failed: Failed to pull image /);
    assert.ok(lines.some((l) => l.startsWith(`Failed: Failed to pull image "${image}": `) && l.includes('not found')), lines.join('\n'));
    assert.equal((await getPod('missing')).status?.phase, 'Pending');
  });

  test('a registry behind basic auth, without credentials: ErrImagePull, then ImagePullBackOff, both saying 401', async () => {
    const image = `${locked.host}/kite/private:1`;
    await apply('noauth', { containers: [container(image, 'Always')] });
    const err = await waitingReason('noauth', 'ErrImagePull');
    assert.match(err.message ?? '', /401 Unauthorized/);
    const backoff = await waitingReason('noauth', 'ImagePullBackOff');
    assert.match(backoff.message ?? '', new RegExp(`^Back-off pulling image "${image}": ErrImagePull: .*401 Unauthorized`));
    const table = await server.kubectl(['get', 'pod', 'noauth', '--no-headers']);
    assert.match(table.stdout, /\s(ErrImagePull|ImagePullBackOff)\s/);
    const lines = await eventually('noauth', /^BackOff: Back-off pulling image /);
    assert.ok(lines.some((l) => l.startsWith(`Failed: Failed to pull image "${image}": `) && l.includes('401 Unauthorized')), lines.join('\n'));
  });

  test('a wrong password in imagePullSecrets still fails with 401', async () => {
    const res = await server.kubectl(['create', 'secret', 'docker-registry', 'badcred', `--docker-server=${locked.host}`,
      `--docker-username=${USER.username}`, '--docker-password=not-the-password']);
    assert.equal(res.code, 0, res.stderr);
    await apply('badauth', { imagePullSecrets: [{ name: 'badcred' }], containers: [container(`${locked.host}/kite/private:1`, 'Always')] });
    const err = await waitingReason('badauth', 'ErrImagePull');
    assert.match(err.message ?? '', /401 Unauthorized/);
  });

  test('imagePullSecrets from `kubectl create secret docker-registry` let the pod pull and Run', async () => {
    const res = await server.kubectl(['create', 'secret', 'docker-registry', 'regcred', `--docker-server=${locked.host}`,
      `--docker-username=${USER.username}`, `--docker-password=${USER.password}`]);
    assert.equal(res.code, 0, res.stderr);
    const image = `${locked.host}/kite/private:1`;
    await apply('withsecret', { imagePullSecrets: [{ name: 'regcred' }], containers: [container(image, 'Always')] });
    const pod = await running('withsecret');
    assert.equal(appStatus(pod)?.imageID, `${locked.host}/kite/private@${priv.manifest.digest}`);
    const lines = await eventually('withsecret', /^Started: /);
    assert.ok(lines.some((l) => l.startsWith(`Pulled: Successfully pulled image "${image}" in `)), lines.join('\n'));
  });

  test("the ServiceAccount's imagePullSecrets are copied into the pod at admission and used", async () => {
    assert.equal((await server.kubectl(['create', 'serviceaccount', 'puller'])).code, 0);
    const patch = await server.kubectl(['patch', 'serviceaccount', 'puller', '-p', JSON.stringify({ imagePullSecrets: [{ name: 'regcred' }] })]);
    assert.equal(patch.code, 0, patch.stderr);
    assert.deepEqual((await client.get<ServiceAccount>(SERVICE_ACCOUNTS, 'default', 'puller')).imagePullSecrets, [{ name: 'regcred' }]);
    await apply('viasa', { serviceAccountName: 'puller', containers: [container(`${locked.host}/kite/private:1`, 'Always')] });
    const pod = await running('viasa');
    assert.deepEqual(pod.spec?.imagePullSecrets, [{ name: 'regcred' }]);
    // A pod's own imagePullSecrets win over the ServiceAccount's.
    await apply('ownsecret', { serviceAccountName: 'puller', imagePullSecrets: [{ name: 'badcred' }], containers: [container(`${locked.host}/kite/private:1`, 'Always')] });
    const own = await waitingReason('ownsecret', 'ErrImagePull');
    assert.match(own.message ?? '', /401 Unauthorized/);
    assert.deepEqual((await getPod('ownsecret')).spec?.imagePullSecrets, [{ name: 'badcred' }]);
  });

  test('a plain-HTTP registry off loopback needs a certs.d hosts.toml, read on the next pull', { skip: outsideAddress ? false : 'no non-loopback IPv4 address' }, async () => {
    const remote = await startTestRegistry({ listenHost: outsideAddress });
    try {
      await remote.push(versioned('remote'), 'kite/remote', '1');
      const image = `${remote.host}/kite/remote:1`;
      await apply('remote-https', { containers: [container(image, 'IfNotPresent')] });
      const err = await waitingReason('remote-https', 'ErrImagePull');
      assert.match(err.message ?? '', /server gave HTTP response to HTTPS client/);
      // What a user does for such a registry (the README says so): no containerd restart needed.
      const dir = join(c.supervisor!.paths.certsDir, remote.host);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'hosts.toml'), renderPlainHttpHosts(remote.host));
      await apply('remote-http', { containers: [container(image, 'IfNotPresent')] });
      await running('remote-http');
      // The first pod starts on its next sync without waiting out its pull backoff: the image is present now.
      await running('remote-https');
    } finally {
      await remote.stop();
    }
  });
});
