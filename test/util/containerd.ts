// A throw-away containerd for e2e tests: kite's supervisor on a temp data dir, with its own bridge,
// pod subnet (10.45.N.0/24: never the agent's 10.42/16 nor podman's 10.88/16), CNI network name
// and cgroup root, so tests can run next to each other and next to a real kite agent.
// stop() removes every pod, stops containerd and deletes everything the instance made.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupLeftovers, knownIds, removeAllPodSandboxes, removeBridge } from '../../src/agent/containerd/cleanup.js';
import { startContainerRuntime, type RuntimeHandle } from '../../src/agent/containerd/start.js';
import { type BuiltinImage, ensureImages, type EnsuredImage } from '../../src/agent/images/ensure.js';
import { removeCgroup } from '../../src/agent/runtime/cgroups.js';
import type { PodSandboxConfig } from '../../src/agent/runtime/types.js';

/** Why container e2e tests cannot run here, or undefined when they can. */
export function containerdSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root (containerd, runc, CNI)';
  const needed: [string, string][] = [
    ['/usr/bin/containerd', 'containerd'], ['/usr/bin/ctr', 'containerd'], ['/usr/sbin/runc', 'runc'],
    ['/usr/lib/cni/bridge', 'containernetworking-plugins'], ['/bin/busybox', 'busybox-static'],
  ];
  if (!['/usr/bin/catatonit', '/usr/libexec/podman/catatonit'].some(existsSync)) return 'catatonit is not installed (apt-get install catatonit)';
  for (const [path, pkg] of needed) if (!existsSync(path)) return `${path} is missing (apt-get install ${pkg})`;
  return undefined;
}

export interface TestContainerd extends RuntimeHandle {
  dataDir: string;
  /** Where sandboxConfig() puts pod logs. */
  logRoot: string;
  bridgeName: string;
  podCidr: string;
  networkName: string;
  /** Cgroup under which sandboxConfig() puts each pod (removed by stop()). */
  cgroupRoot: string;
  images: EnsuredImage[];
  /** A sandbox config with a log directory and a pod cgroup under this instance's roots. */
  sandboxConfig(name: string, uid: string, extra?: Partial<PodSandboxConfig>): PodSandboxConfig;
  /** Removes the pod cgroup of a sandbox made by sandboxConfig(uid). */
  removePodCgroup(uid: string): Promise<string[]>;
}

function pickSlot(): number {
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  for (let attempt = 0; attempt < 50; attempt++) {
    const n = 10 + Math.floor(Math.random() * 240);
    if (!links.includes(` ktest${n}:`)) return n;
  }
  throw new Error('no free test bridge slot');
}

export async function startTestContainerd(opts: { images?: BuiltinImage[] } = {}): Promise<TestContainerd> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kite-ctrd-'));
  const slot = pickSlot();
  const bridgeName = `ktest${slot}`;
  const podCidr = `10.45.${slot}.0/24`;
  const networkName = `kite-test-${slot}`;
  const cgroupRoot = `/kite-test-${slot}`;
  const logRoot = join(dataDir, 'pods');
  let handle: RuntimeHandle;
  try {
    handle = await startContainerRuntime({ dataDir, bridgeName, podCidr, networkName });
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const images = await ensureImages(handle.runtime, handle.endpoint, join(dataDir, 'images'), opts.images ?? ['busybox']);
  const podCgroup = (uid: string): string => `${cgroupRoot}/pod${uid}`;

  return {
    ...handle,
    dataDir, logRoot, bridgeName, podCidr, networkName, cgroupRoot, images,
    sandboxConfig: (name, uid, extra = {}) => ({
      metadata: { name, uid, namespace: 'default', attempt: 0 },
      hostname: name,
      logDirectory: join(logRoot, `default_${name}_${uid}`),
      ...extra,
      linux: {
        cgroupParent: podCgroup(uid),
        ...extra.linux,
        securityContext: { namespaceOptions: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' }, ...extra.linux?.securityContext },
      },
    }),
    removePodCgroup: (uid) => removeCgroup(podCgroup(uid)),
    stop: async () => {
      const paths = handle.supervisor?.paths;
      const ids = paths ? await knownIds(paths) : [];
      await removeAllPodSandboxes(handle.runtime).catch(() => undefined);
      await handle.stop();
      if (paths) await cleanupLeftovers({ paths, ids, networkName });
      await removeCgroup(cgroupRoot).catch(() => undefined);
      await removeBridge(bridgeName);
      await unmountUnder(dataDir);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Lazily unmounts anything still mounted under dir (overlay rootfs, netns) so rm can proceed. */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '')
    .filter((m) => m.startsWith(`${dir}/`)).sort().reverse();
  for (const m of mounts) {
    try {
      execFileSync('umount', ['-l', m]);
    } catch {
      // already gone
    }
  }
}
