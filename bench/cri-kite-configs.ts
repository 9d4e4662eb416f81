/// <reference types="node" />
// Raw CRI calls like bench/cri-raw, but with the sandbox and container configs kite's agent builds
// for a pod (kuberuntime/ through pods/KubeConfigBuilder: DNS, hostname, /etc/hosts and
// termination-log mounts, QoS cgroup parent, labels, annotations). bench/pods prints it next to
// the plain raw figures, so "kite is slower than raw" splits into what the configs cost
// containerd and what the agent's path costs.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { KubeConfigBuilder } from '../src/agent/pods/kube-builder.js';
import { containerAnnotations, containerLabels, sandboxLabels } from '../src/agent/pods/labels.js';
import { CgroupfsPodCgroups } from '../src/agent/pods/pod-cgroups.js';
import { fakeContext } from '../src/agent/kuberuntime/testing.js';
import type { TestContainerd } from '../test/util/containerd.js';
import { type Summary, summarize } from './cri-raw.js';

export interface KiteConfigTimings { runPodSandbox: Summary; createAndStart: Summary }

/** Starts `pods` copies of `pod` one after another on `c` with kite's configs, timing the CRI calls; removes them after. */
export async function criTimingsWithKiteConfigs(c: TestContainerd, pods: number, pod: Pod): Promise<KiteConfigTimings> {
  const builder = new KubeConfigBuilder({
    dataDir: c.dataDir, cgroupRoot: c.cgroupRoot, runtime: c.runtime, context: fakeContext(), nodeIPs: () => ['127.0.0.1'], record: () => undefined,
  });
  const cgroups = new CgroupfsPodCgroups(c.cgroupRoot);
  const run: number[] = [];
  const createAndStart: number[] = [];
  const made: { id: string; uid: string }[] = [];
  try {
    for (let i = 0; i < pods; i++) {
      const uid = randomUUID();
      const p: Pod = { ...pod, metadata: { ...pod.metadata, name: `${pod.metadata?.name ?? 'pod'}-${i}`, uid } };
      const container = p.spec!.containers[0]!;
      await builder.preparePod(p);
      const sandboxConfig = await builder.sandboxConfig(p, 0);
      sandboxConfig.metadata = { name: p.metadata!.name!, namespace: p.metadata!.namespace!, uid, attempt: 0 };
      sandboxConfig.labels = { ...sandboxConfig.labels, ...sandboxLabels(p, 'bench') };
      let t0 = performance.now();
      const id = await c.runtime.runPodSandbox(sandboxConfig);
      run.push(performance.now() - t0);
      made.push({ id, uid });
      const ip = (await c.runtime.podSandboxStatus(id)).status?.network?.ip ?? '';
      const imageRef = (await c.runtime.imageStatus({ image: container.image ?? '' })).image?.id ?? '';
      const config = await builder.containerConfig(p, container, { kind: 'regular', restartCount: 0, imageRef, podIPs: [ip], sandboxId: id, sandboxConfig });
      config.metadata = { name: container.name, attempt: 0 };
      config.labels = { ...config.labels, ...containerLabels(p, container, 'bench') };
      config.annotations = { ...config.annotations, ...containerAnnotations(p, container, 'regular', 0) };
      t0 = performance.now();
      const cid = await c.runtime.createContainer(id, config, sandboxConfig);
      await c.runtime.startContainer(cid);
      createAndStart.push(performance.now() - t0);
    }
  } finally {
    for (const { id, uid } of made) {
      await c.runtime.stopPodSandbox(id).catch(() => undefined);
      await c.runtime.removePodSandbox(id).catch(() => undefined);
      await cgroups.remove(uid).catch(() => undefined);
      await builder.cleanupPod(uid).catch(() => undefined);
    }
  }
  return { runPodSandbox: summarize(run), createAndStart: summarize(createAndStart) };
}
