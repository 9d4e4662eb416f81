import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import { PODS } from '../../client/resources.js';
import type { DeleteOptions } from '../../client/types.js';
import { FakeRuntime } from '../runtime/fake-runtime.js';
import { ContainerConfigError } from './seams.js';
import { type Harness, NODE_IP, startHarness } from './testing.js';

const APP = { name: 'app', image: 'busybox:1.36', command: ['sleep', '3600'] };

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const running = (h: Harness, name = 'app') =>
  [...h.runtime.containers.values()].filter((c) => c.config.metadata.name === name && c.status.state === 'CONTAINER_RUNNING').map((c) => c.status.id);

const containerStatus = (pod: Pod, name = 'app') => pod.status?.containerStatuses?.find((c) => c.name === name);
const initStatus = (pod: Pod, name: string) => pod.status?.initContainerStatuses?.find((c) => c.name === name);
const condition = (pod: Pod, type: string) => pod.status?.conditions?.find((c) => c.type === type);

/** Exits the running instance of `name` and lets the agent notice. */
async function exit(h: Harness, code: number, name = 'app', reason?: string): Promise<void> {
  const [id] = running(h, name);
  assert.ok(id, `a running ${name}`);
  h.runtime.exitContainer(id, code, reason);
  await h.settle();
}

describe('pod worker: start-up and status', () => {
  test('a pod runs: sandbox, image pull, container, and the status Kubernetes reports', async () => {
    h = await startHarness();
    const pod = await h.createPod({ containers: [APP] });
    assert.equal(h.runtime.sandboxes.size, 1);
    const [sandbox] = h.runtime.sandboxes.values();
    assert.equal(sandbox!.status.labels['io.kubernetes.pod.uid'], pod.metadata?.uid);
    assert.equal(sandbox!.status.labels['kite.dev/managed-by'], 'kite-agent');
    assert.equal(sandbox!.status.labels['kite.dev/node'], 'node-1');

    const s = pod.status!;
    assert.equal(s.phase, 'Running');
    assert.equal(s.hostIP, NODE_IP);
    assert.deepEqual(s.hostIPs, [{ ip: NODE_IP }]);
    assert.match(s.podIP ?? '', /^10\.42\.\d+\.\d+$/);
    assert.deepEqual(s.podIPs, [{ ip: s.podIP }]);
    assert.ok(s.startTime);
    assert.equal(s.qosClass, 'BestEffort');
    assert.deepEqual(s.conditions?.map((c) => `${c.type}=${c.status}`), [
      'PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True',
    ]);
    const cs = containerStatus(pod)!;
    assert.equal(cs.ready, true);
    assert.equal(cs.started, true);
    assert.equal(cs.restartCount, 0);
    assert.equal(cs.image, 'busybox:1.36');
    assert.match(cs.imageID ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.match(cs.containerID ?? '', /^containerd:\/\/[0-9a-f]{64}$/);
    assert.ok(cs.state?.running?.startedAt);
    assert.deepEqual(cs.lastState, {});

    const events = (await h.events()).map((e) => `${e.type} ${e.reason} ${e.fieldPath ?? ''}: ${e.message}`);
    assert.deepEqual(events, [
      'Normal Pulling spec.containers{app}: Pulling image "busybox:1.36"',
      events[1],
      'Normal Created spec.containers{app}: Created container: app',
      'Normal Started spec.containers{app}: Started container app',
    ]);
    assert.match(events[1]!, /^Normal Pulled spec\.containers\{app\}: Successfully pulled image "busybox:1\.36" in [\d.]+s \([\d.]+s including waiting\)\. Image size: \d+ bytes\.$/);
  });

  test('a host-network pod reports the node IP as its pod IP', async () => {
    h = await startHarness();
    const pod = await h.createPod({ hostNetwork: true, containers: [APP] });
    assert.equal(pod.status?.podIP, NODE_IP);
    assert.deepEqual(pod.status?.podIPs, [{ ip: NODE_IP }]);
    assert.equal(pod.status?.phase, 'Running');
  });

  test('a container whose config cannot be built waits with CreateContainerConfigError', async () => {
    h = await startHarness();
    h.builder.containerConfig = async () => {
      throw new ContainerConfigError('configmap "missing" not found');
    };
    const pod = await h.createPod({ containers: [APP] });
    assert.deepEqual(containerStatus(pod)?.state?.waiting, { reason: 'CreateContainerConfigError', message: 'configmap "missing" not found' });
    assert.ok((await h.events()).some((e) => e.type === 'Warning' && e.reason === 'Failed' && e.message === 'Error: configmap "missing" not found'));
  });

  test('status is patched only when it changes', async () => {
    h = await startHarness();
    await h.createPod({ containers: [APP] });
    const patches = () => h!.client.actions.filter((a) => a.verb === 'patch' && a.subresource === 'status').length;
    const before = patches();
    for (let i = 0; i < 3; i++) {
      h.controller.workers.update([...h.runtime.sandboxes.values()][0]!.status.metadata!.uid);
      await h.settle();
    }
    assert.equal(patches(), before);
  });

  test('an image already present is not pulled again; Never with a missing image waits with ErrImageNeverPull', async () => {
    h = await startHarness();
    h.runtime.addImage('busybox:1.36');
    await h.createPod({ containers: [{ ...APP, imagePullPolicy: 'IfNotPresent' }] });
    assert.equal(h.runtime.calls.filter((c) => c.method === 'pullImage').length, 0);
    assert.ok((await h.events()).some((e) => e.reason === 'Pulled' && e.message === 'Container image "busybox:1.36" already present on machine'));

    const pod = await h.createPod({ containers: [{ name: 'app', image: 'missing:1', imagePullPolicy: 'Never' }] }, 'never');
    assert.equal(pod.status?.phase, 'Pending');
    assert.deepEqual(containerStatus(pod)?.state, { waiting: { reason: 'ErrImageNeverPull', message: 'Container image "missing:1" is not present with pull policy of Never' } });
    assert.ok((await h.events()).some((e) => e.type === 'Warning' && e.reason === 'Failed' && e.message === 'Error: ErrImageNeverPull'));
  });

  test('a failed pull shows ErrImagePull, then ImagePullBackOff until the backoff window closes', async () => {
    h = await startHarness();
    for (let i = 0; i < 2; i++) h.runtime.failNext('pullImage');
    const reported = () => h!.client.actions
      .filter((a) => a.verb === 'patch' && a.subresource === 'status')
      .map((a) => (a.object as { status: Pod['status'] }).status?.containerStatuses?.[0]?.state?.waiting?.reason)
      .filter((r) => r !== undefined);
    let pod = await h.createPod({ containers: [{ name: 'app', image: 'registry.example/app:1' }] });
    assert.deepEqual(reported(), ['ErrImagePull', 'ImagePullBackOff'], 'the next sync (the runtime saw the new sandbox) is inside the window');
    pod = await h.getPod('web');
    assert.equal(containerStatus(pod)?.state?.waiting?.message, 'Back-off pulling image "registry.example/app:1": ErrImagePull: pullImage: injected failure');
    await h.step(10_100);
    pod = await h.getPod('web');
    assert.equal(containerStatus(pod)?.state?.waiting?.reason, 'ErrImagePull', 'retried once the window closed, failed again');
    await h.step(10_000);
    pod = await h.getPod('web');
    assert.equal(containerStatus(pod)?.state?.waiting?.reason, 'ImagePullBackOff', 'synced again after 10 s, inside the doubled window');
    await h.step(10_100);
    pod = await h.getPod('web');
    assert.equal(pod.status?.phase, 'Running');
    const reasons = (await h.events()).map((e) => e.reason);
    assert.deepEqual(reasons.filter((r) => r === 'Pulling').length, 3);
    assert.ok(reasons.includes('BackOff'));
  });

  test('a pull secret for the registry is handed to the runtime', async () => {
    h = await startHarness();
    const config = { auths: { 'registry.example': { username: 'u', password: 'p', auth: Buffer.from('u:p').toString('base64') } } };
    await h.client.create({ group: '', version: 'v1', resource: 'secrets', namespaced: true, kind: 'Secret' }, 'default', {
      apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred', namespace: 'default' }, type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config)).toString('base64') },
    });
    await h.createPod({ imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'app', image: 'registry.example/team/app:2' }] });
    const pull = h.runtime.calls.find((c) => c.method === 'pullImage');
    assert.deepEqual(pull?.args[1], { username: 'u', password: 'p', auth: Buffer.from('u:p').toString('base64') });
  });

  test('readiness comes from the prober: Ready False with ContainersNotReady', async () => {
    h = await startHarness();
    let pod = await h.createPod({ containers: [APP] });
    const [id] = running(h);
    h.prober.readiness.set(id!, false);
    h.prober.changed(pod.metadata!.uid!);
    await h.settle();
    pod = await h.getPod('web');
    assert.equal(containerStatus(pod)?.ready, false);
    assert.deepEqual(
      { status: condition(pod, 'Ready')?.status, reason: condition(pod, 'Ready')?.reason, message: condition(pod, 'Ready')?.message },
      { status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' },
    );
    assert.equal(pod.status?.phase, 'Running');
  });
});

describe('pod worker: restart policies and CrashLoopBackOff', () => {
  test('Always: first crash restarts at once, then back-off 10s, 20s, 40s ... capped at 5m0s', async () => {
    h = await startHarness();
    let pod = await h.createPod({ containers: [APP] });
    const uid = pod.metadata!.uid!;
    await exit(h, 1);
    pod = await h.getPod('web');
    assert.equal(containerStatus(pod)?.restartCount, 1, 'restarted at once');
    assert.ok(containerStatus(pod)?.state?.running);
    assert.equal(containerStatus(pod)?.lastState?.terminated?.exitCode, 1);
    assert.equal(containerStatus(pod)?.lastState?.terminated?.reason, 'Error');

    const windows = ['10s', '20s', '40s', '1m20s', '2m40s', '5m0s', '5m0s'];
    for (const [i, window] of windows.entries()) {
      await exit(h, 2);
      pod = await h.getPod('web');
      const cs = containerStatus(pod)!;
      assert.deepEqual(cs.state?.waiting, { reason: 'CrashLoopBackOff', message: `back-off ${window} restarting failed container=app pod=web_default(${uid})` });
      assert.equal(cs.lastState?.terminated?.exitCode, 2);
      assert.equal(cs.ready, false);
      assert.equal(pod.status?.phase, 'Running', 'Always keeps the pod Running while it restarts');
      const ms = { s: 1000, m: 60_000 };
      const total = [...window.matchAll(/(\d+)([ms])/g)].reduce((sum, m) => sum + Number(m[1]) * ms[m[2] as 's' | 'm'], 0);
      await h.step(total - 1000);
      assert.equal(containerStatus(await h.getPod('web'))?.state?.waiting?.reason, 'CrashLoopBackOff', `still backing off before ${window}`);
      await h.step(1100);
      pod = await h.getPod('web');
      assert.ok(containerStatus(pod)?.state?.running, `restarted after ${window}`);
      assert.equal(containerStatus(pod)?.restartCount, i + 2);
    }
    const backoffEvents = (await h.events()).filter((e) => e.reason === 'BackOff');
    assert.ok(backoffEvents.length > 0);
    assert.equal(backoffEvents[0]!.message, `Back-off restarting failed container app in pod web_default(${uid})`);
    assert.equal(backoffEvents[0]!.type, 'Warning');
  });

  test('the backoff starts over after the container ran for more than 10 minutes', async () => {
    h = await startHarness();
    let pod = await h.createPod({ containers: [APP] });
    await exit(h, 1); // immediate restart
    await exit(h, 1); // 10s window
    await h.step(10_100);
    await exit(h, 1);
    assert.match(containerStatus(await h.getPod('web'))?.state?.waiting?.message ?? '', /^back-off 20s /);
    await h.step(20_100);
    await h.step(11 * 60_000); // runs for 11 minutes
    await exit(h, 1);
    pod = await h.getPod('web');
    assert.ok(containerStatus(pod)?.state?.running, 'restarted at once: the old window expired');
    await exit(h, 1);
    assert.match(containerStatus(await h.getPod('web'))?.state?.waiting?.message ?? '', /^back-off 10s /);
  });

  test('Never: a completed pod is Succeeded, its sandbox stopped, nothing restarted', async () => {
    h = await startHarness();
    await h.createPod({ restartPolicy: 'Never', containers: [APP] });
    await exit(h, 0);
    const pod = await h.getPod('web');
    assert.equal(pod.status?.phase, 'Succeeded');
    const cs = containerStatus(pod)!;
    assert.equal(cs.state?.terminated?.reason, 'Completed');
    assert.equal(cs.state?.terminated?.exitCode, 0);
    assert.equal(cs.restartCount, 0);
    assert.deepEqual([...h.runtime.sandboxes.values()].map((s) => s.status.state), ['SANDBOX_NOTREADY']);
    assert.deepEqual({ ...condition(pod, 'Ready'), lastTransitionTime: undefined }, { type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: undefined });
    await h.step(60_000);
    assert.equal(h.runtime.calls.filter((c) => c.method === 'createContainer').length, 1);
  });

  test('Never: a failed container makes the pod Failed', async () => {
    h = await startHarness();
    await h.createPod({ restartPolicy: 'Never', containers: [APP] });
    await exit(h, 3);
    const pod = await h.getPod('web');
    assert.equal(pod.status?.phase, 'Failed');
    assert.equal(containerStatus(pod)?.state?.terminated?.exitCode, 3);
    assert.equal(containerStatus(pod)?.state?.terminated?.reason, 'Error');
  });

  test('OnFailure: a failure restarts, a success completes the pod', async () => {
    h = await startHarness();
    await h.createPod({ restartPolicy: 'OnFailure', containers: [APP] });
    await exit(h, 1);
    let pod = await h.getPod('web');
    assert.equal(containerStatus(pod)?.restartCount, 1);
    assert.equal(pod.status?.phase, 'Running');
    await exit(h, 0);
    pod = await h.getPod('web');
    assert.equal(pod.status?.phase, 'Succeeded');
    assert.equal(containerStatus(pod)?.state?.terminated?.reason, 'Completed');
    assert.equal(containerStatus(pod)?.lastState?.terminated?.exitCode, 1);
  });

  test('an OOM-killed container reports OOMKilled and exit code 137', async () => {
    h = await startHarness();
    await h.createPod({ containers: [APP] });
    await exit(h, 137, 'app', 'OOMKilled');
    const cs = containerStatus(await h.getPod('web'))!;
    assert.equal(cs.lastState?.terminated?.reason, 'OOMKilled');
    assert.equal(cs.lastState?.terminated?.exitCode, 137);
    assert.equal(cs.restartCount, 1);
  });

  test('a failed liveness probe kills and restarts the container, with a Killing event', async () => {
    h = await startHarness();
    const pod = await h.createPod({ containers: [APP] });
    const [id] = running(h);
    h.prober.liveness.add(id!);
    h.prober.changed(pod.metadata!.uid!);
    await h.settle();
    const after = await h.getPod('web');
    assert.equal(containerStatus(after)?.restartCount, 1);
    assert.notEqual(running(h)[0], id);
    const stop = h.runtime.calls.find((c) => c.method === 'stopContainer');
    assert.deepEqual(stop?.args, [id, 30]);
    assert.ok((await h.events()).some((e) => e.reason === 'Killing' && e.message === 'Container app failed liveness probe, will be restarted'));
  });

  test('old container instances are garbage-collected: at most two per container', async () => {
    h = await startHarness();
    await h.createPod({ containers: [APP] });
    for (let i = 0; i < 4; i++) {
      await exit(h, 1);
      await h.step(400_000);
    }
    const instances = [...h.runtime.containers.values()].filter((c) => c.config.metadata.name === 'app');
    assert.equal(instances.length, 2);
    assert.equal(containerStatus(await h.getPod('web'))?.restartCount, 4);
  });
});

describe('pod worker: init containers', () => {
  const spec = (restartPolicy: 'Always' | 'Never') => ({
    restartPolicy,
    initContainers: [{ name: 'init-a', image: 'busybox:1.36' }, { name: 'init-b', image: 'busybox:1.36' }],
    containers: [APP],
  });

  test('run in order, one at a time, before the app containers', async () => {
    h = await startHarness();
    let pod = await h.createPod(spec('Always'));
    assert.deepEqual([...h.runtime.containers.values()].map((c) => c.config.metadata.name), ['init-a']);
    assert.equal(pod.status?.phase, 'Pending');
    assert.deepEqual({ s: condition(pod, 'Initialized')?.status, m: condition(pod, 'Initialized')?.message }, { s: 'False', m: 'containers with incomplete status: [init-a init-b]' });
    assert.deepEqual(containerStatus(pod)?.state, { waiting: { reason: 'PodInitializing' } });
    assert.ok(initStatus(pod, 'init-a')?.state?.running);

    await exit(h, 0, 'init-a');
    pod = await h.getPod('web');
    assert.equal(initStatus(pod, 'init-a')?.state?.terminated?.reason, 'Completed');
    assert.ok(initStatus(pod, 'init-b')?.state?.running);
    assert.equal(running(h, 'app').length, 0);

    await exit(h, 0, 'init-b');
    pod = await h.getPod('web');
    assert.equal(condition(pod, 'Initialized')?.status, 'True');
    assert.equal(pod.status?.phase, 'Running');
    assert.equal(running(h, 'app').length, 1);
    const created = h.runtime.calls.filter((c) => c.method === 'createContainer').map((c) => (c.args[1] as { metadata: { name: string } }).metadata.name);
    assert.deepEqual(created, ['init-a', 'init-b', 'app']);
  });

  test('a failed init container is restarted (with backoff) under Always', async () => {
    h = await startHarness();
    await h.createPod(spec('Always'));
    await exit(h, 1, 'init-a');
    let pod = await h.getPod('web');
    assert.equal(initStatus(pod, 'init-a')?.restartCount, 1);
    assert.equal(pod.status?.phase, 'Pending');
    await exit(h, 1, 'init-a');
    pod = await h.getPod('web');
    assert.equal(initStatus(pod, 'init-a')?.state?.waiting?.reason, 'CrashLoopBackOff');
    assert.equal(initStatus(pod, 'init-a')?.lastState?.terminated?.exitCode, 1);
    await h.step(10_100);
    await exit(h, 0, 'init-a');
    await exit(h, 0, 'init-b');
    pod = await h.getPod('web');
    assert.equal(pod.status?.phase, 'Running');
  });

  test('a failed init container fails the pod under Never', async () => {
    h = await startHarness();
    await h.createPod(spec('Never'));
    await exit(h, 1, 'init-a');
    const pod = await h.getPod('web');
    assert.equal(pod.status?.phase, 'Failed');
    assert.equal(initStatus(pod, 'init-a')?.state?.terminated?.exitCode, 1);
    assert.equal(h.runtime.calls.filter((c) => c.method === 'createContainer').length, 1);
  });
});

describe('pod worker: termination', () => {
  /**
   * What the apiserver does on a graceful DELETE: marks the pod (a finalizer keeps the fake from
   * removing it at once) and removes it when the agent confirms with DELETE gracePeriodSeconds=0.
   */
  async function markDeleted(h: Harness, name: string, grace: number): Promise<DeleteOptions[]> {
    const confirmations: DeleteOptions[] = [];
    const client = h.client;
    const realDelete = client.delete.bind(client);
    client.delete = (async (type, ns, n, opts = {}) => {
      confirmations.push(opts);
      const current = await client.get<Pod>(PODS, ns, n);
      await client.update<Pod>(PODS, ns, { ...current, metadata: { ...current.metadata, finalizers: [] } });
      return realDelete(type, ns, n, opts);
    }) as typeof client.delete;
    const pod = await h.getPod(name);
    await client.update<Pod>(PODS, 'default', { ...pod, metadata: { ...pod.metadata, finalizers: ['test/graceful'] } });
    const marked = await h.getPod(name);
    await client.update<Pod>(PODS, 'default', {
      ...marked, metadata: { ...marked.metadata, deletionTimestamp: new Date(h.clock.now() + grace * 1000).toISOString(), deletionGracePeriodSeconds: grace },
    });
    await h.settle();
    return confirmations;
  }

  test('preStop hook, stop with the grace period, final status, sandbox removal, cgroup and files, then DELETE grace 0', async () => {
    h = await startHarness();
    const pod = await h.createPod({
      terminationGracePeriodSeconds: 45,
      containers: [{ ...APP, lifecycle: { preStop: { exec: { command: ['sh', '-c', 'exit 0'] } } } }, { name: 'side', image: 'busybox:1.36' }],
    });
    const uid = pod.metadata!.uid!;
    const [appId] = running(h, 'app');
    const [sandboxId] = h.runtime.sandboxes.keys();
    const callsBefore = h.runtime.calls.length;
    const actionsBefore = h.client.actions.length;
    const confirmations = await markDeleted(h, 'web', 20);

    const calls = h.runtime.calls.slice(callsBefore).map((c) => `${c.method} ${c.args.filter((a) => typeof a !== 'object').join(' ')}`.trim());
    const order = (prefix: string) => calls.findIndex((c) => c.startsWith(prefix));
    assert.ok(order(`execSync ${appId} 20`) >= 0, `preStop ran with the grace period as its timeout:\n${calls.join('\n')}`);
    assert.ok(order(`execSync ${appId}`) < order(`stopContainer ${appId}`), 'preStop before stop');
    assert.ok(calls.includes(`stopContainer ${appId} 20`), calls.join('\n'));
    assert.ok(order(`stopContainer ${appId}`) < order(`stopPodSandbox ${sandboxId}`));
    assert.ok(order(`stopPodSandbox ${sandboxId}`) < order(`removePodSandbox ${sandboxId}`));
    assert.equal(h.runtime.sandboxes.size, 0);
    assert.equal(h.runtime.containers.size, 0);
    assert.deepEqual(h.cgroups.removed, [uid]);
    assert.deepEqual(h.builder.cleaned, [uid]);

    const actions = h.client.actions.slice(actionsBefore).filter((a) => a.verb !== 'list' && a.verb !== 'watch');
    const lastStatus = actions.filter((a) => a.verb === 'patch' && a.subresource === 'status').pop();
    const del = actions.find((a) => a.verb === 'delete');
    assert.ok(lastStatus && del && actions.indexOf(lastStatus) < actions.indexOf(del), 'the final status is written before the delete');
    const patched = (lastStatus.object as { status: Pod['status'] }).status!;
    assert.equal(patched.containerStatuses?.find((c) => c.name === 'app')?.state?.terminated?.exitCode, 137);
    assert.equal(patched.phase, 'Failed');
    assert.deepEqual(confirmations, [{ gracePeriodSeconds: 0, preconditions: { uid } }]);
    await assert.rejects(h.getPod('web'), /not found/);
    assert.deepEqual((await h.events()).filter((e) => e.reason === 'Killing').map((e) => e.message).sort(), ['Stopping container app', 'Stopping container side']);
    assert.equal(h.controller.workers.has(uid), false);
  });

  test('a pod force-deleted from the API is still stopped as its spec says (preStop, grace), then removed', async () => {
    h = await startHarness();
    const pod = await h.createPod({ terminationGracePeriodSeconds: 7, containers: [{ ...APP, lifecycle: { preStop: { exec: { command: ['echo', 'bye'] } } } }] });
    const [id] = running(h);
    await h.client.delete(PODS, 'default', 'web', { gracePeriodSeconds: 0 });
    await h.settle();
    assert.equal(h.runtime.sandboxes.size, 0);
    assert.deepEqual(h.cgroups.removed, [pod.metadata!.uid]);
    const calls = h.runtime.calls.map((c) => c.method === 'stopContainer' || c.method === 'execSync' ? `${c.method} ${String(c.args[0])} ${String(c.args[c.args.length - 1])}` : '').filter(Boolean);
    assert.deepEqual(calls, [`execSync ${id} 7`, `stopContainer ${id} 7`]);
  });

  test('a second delete with a shorter grace period stops the containers sooner; the stop in progress ends with them', { timeout: 5000 }, async () => {
    const harness = await startHarness();
    h = harness;
    await h.createPod({ terminationGracePeriodSeconds: 30, containers: [APP] });
    const [id] = running(h);
    const stops: number[] = [];
    let release = (): void => undefined;
    const realStop = h.runtime.stopContainer.bind(h.runtime);
    h.runtime.stopContainer = async (cid, timeout) => {
      stops.push(timeout);
      // The first stop waits out its grace period like containerd would, until a shorter one kills the container.
      if (stops.length === 1) await new Promise<void>((r) => (release = r));
      else release();
      return realStop(cid, timeout);
    };
    const setGrace = async (grace: number): Promise<void> => {
      const pod = await harness.getPod('web');
      await harness.client.update<Pod>(PODS, 'default', {
        ...pod, metadata: { ...pod.metadata, finalizers: ['test/graceful'], deletionTimestamp: new Date(harness.clock.now() + grace * 1000).toISOString(), deletionGracePeriodSeconds: grace },
      });
    };
    await setGrace(30);
    while (stops.length === 0) await new Promise((r) => setImmediate(r));
    await setGrace(1);
    await h.settle();
    assert.deepEqual(stops.slice(0, 2), [30, 2], 'stopped again with the new grace period (at least the minimum of 2 s)');
    assert.equal(h.runtime.containers.has(id!), false);
    assert.equal(h.runtime.sandboxes.size, 0);
  });

  test('sandboxes of a pod unknown to the API are removed (after the pod cache synced)', async () => {
    const runtime = new FakeRuntime();
    runtime.addImage('busybox:1.36');
    const config = { metadata: { name: 'stray', namespace: 'default', uid: 'stray-uid' }, labels: { 'io.kubernetes.pod.uid': 'stray-uid', 'kite.dev/managed-by': 'kite-agent', 'kite.dev/node': 'node-1' } };
    const other = { ...config, metadata: { ...config.metadata, uid: 'other-uid' }, labels: { ...config.labels, 'io.kubernetes.pod.uid': 'other-uid', 'kite.dev/node': 'node-2' } };
    await runtime.runPodSandbox(config);
    await runtime.runPodSandbox(other);
    h = await startHarness({ runtime });
    await h.controller.housekeeping();
    await h.settle();
    assert.deepEqual([...runtime.sandboxes.values()].map((s) => s.status.metadata?.uid), ['other-uid'], "another node's sandbox on the same runtime is left alone");
  });
});

describe('agent restart (recovery)', () => {
  test('running containers are adopted untouched; sandboxes of pods deleted meanwhile are removed with their cgroups', async () => {
    const runtime = new FakeRuntime();
    const first = await startHarness({ runtime });
    const keep = await first.createPod({ containers: [APP] }, 'keep');
    const gone = await first.createPod({ containers: [APP] }, 'gone');
    const keptStatus = containerStatus(keep)!;
    await first.stop();
    const client = first.client;
    // Deleted while the agent was down.
    await client.delete(PODS, 'default', 'gone', { gracePeriodSeconds: 0 });
    const createsBefore = runtime.calls.filter((c) => c.method === 'createContainer').length;

    h = await startHarness({ runtime, client: client as FakeClient, clock: first.clock });
    h.cgroups.present.add('stale-uid-without-sandbox');
    h.cgroups.present.add('someone-elses-live-pod');
    h.cgroups.busy.add('someone-elses-live-pod');
    await h.controller.housekeeping();
    assert.ok(!h.cgroups.removed.includes('stale-uid-without-sandbox'), 'an orphan must stay one for a whole round');
    await h.controller.housekeeping();
    await h.settle();
    assert.ok(!h.cgroups.removed.includes('someone-elses-live-pod'), 'a cgroup with processes is never removed');
    const after = await h.getPod('keep');
    assert.equal(containerStatus(after)?.containerID, keptStatus.containerID, 'same container');
    assert.equal(containerStatus(after)?.state?.running?.startedAt, keptStatus.state?.running?.startedAt);
    assert.equal(containerStatus(after)?.restartCount, 0);
    assert.equal(runtime.calls.filter((c) => c.method === 'createContainer').length, createsBefore, 'nothing created');
    assert.equal(runtime.calls.filter((c) => c.method === 'runPodSandbox').length, 2, 'no new sandbox');
    const uids = [...runtime.sandboxes.values()].map((s) => s.status.metadata!.uid);
    assert.deepEqual(uids, [keep.metadata!.uid]);
    assert.ok(h.cgroups.removed.includes(gone.metadata!.uid!));
    assert.ok(h.cgroups.removed.includes('stale-uid-without-sandbox'));
  });
});
