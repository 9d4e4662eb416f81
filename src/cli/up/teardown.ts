// Tears down the node of a stopped `kite server`: with kite's containerd started once more, stop and
// remove every pod sandbox (CNI DEL releases IPs and hostPort rules), stop containerd, then remove
// what outlives it: shim sockets, fifos and CNI results (containerd/cleanup.ts), pod cgroups, the pod
// bridge, the IPAM state and anything still mounted under the data dir.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { cleanupLeftovers, knownIds, removeBridge } from '../../agent/containerd/cleanup.js';
import type { ContainerRuntime } from '../../agent/runtime/runtime.js';
import { DEFAULT_BRIDGE } from '../../agent/containerd/config.js';
import { CNI_NETWORK_NAME, containerdPaths } from '../../agent/containerd/paths.js';
import { startContainerRuntime } from '../../agent/containerd/start.js';
import { DEFAULT_CGROUP_ROOT } from '../../agent/kuberuntime/qos.js';
import { CgroupfsPodCgroups } from '../../agent/pods/pod-cgroups.js';
import { removeCgroup } from '../../agent/runtime/cgroups.js';
import { readNodeSettings } from '../../server/node-settings.js';

const run = promisify(execFile);

export interface TeardownReport {
  sandboxes: number;
  leftovers: number;
  cgroups: number;
  bridge: boolean;
  unmounted: number;
  errors: string[];
}

/** Lazily unmounts everything mounted under dir (overlay rootfs, netns, tmpfs volumes), deepest first. */
export async function unmountUnder(dir: string): Promise<number> {
  const prefix = `${dir.replace(/\/+$/, '')}/`;
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n')
    .map((l) => (l.split(' ')[1] ?? '').replace(/\\040/g, ' '))
    .filter((m) => m.startsWith(prefix)).sort().reverse();
  let n = 0;
  for (const m of mounts) {
    try {
      await run('umount', ['-l', m]);
      n++;
    } catch {
      // already gone
    }
  }
  return n;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export interface MasqRule {
  /** The POSTROUTING rule's arguments, as `iptables -D POSTROUTING` takes them. */
  spec: string[];
  /** The per-sandbox chain it jumps to. */
  chain: string;
}

/**
 * The NAT rules the CNI bridge plugin (ipMasq) made for sandboxes in `ids` on `network`, found in
 * `iptables -t nat -S POSTROUTING` output: jumps commented `name: "<network>" id: "<id>"`.
 */
export function masqRulesOf(rules: string, ids: Set<string>, network = CNI_NETWORK_NAME): MasqRule[] {
  const out: MasqRule[] = [];
  for (const line of rules.split('\n')) {
    const m = /^-A POSTROUTING (.*name: \\"([^"\\]+)\\" id: \\"([0-9a-f]+)\\".* -j (CNI-[0-9a-f]+))$/.exec(line.trim());
    if (!m || m[2] !== network || !ids.has(m[3] as string)) continue;
    // iptables -S prints arguments shell-quoted: unquote them to pass them back.
    const spec = (m[1] as string).match(/"(?:\\.|[^"\\])*"|\S+/g)?.map((a) => (a.startsWith('"') ? a.slice(1, -1).replace(/\\"/g, '"') : a)) ?? [];
    out.push({ spec, chain: m[4] as string });
  }
  return out;
}

/**
 * Deletes the masquerade rules and chains of sandboxes whose CNI DEL never ran (e.g. a pod whose
 * data was deleted under it). Resolves to the chains removed.
 */
export async function removeStaleMasqRules(ids: Set<string>, network = CNI_NETWORK_NAME): Promise<string[]> {
  let rules: string;
  try {
    rules = (await run('iptables', ['-w', '-t', 'nat', '-S', 'POSTROUTING'])).stdout;
  } catch {
    return []; // no iptables: nothing was made
  }
  const removed: string[] = [];
  for (const { spec, chain } of masqRulesOf(rules, ids, network)) {
    try {
      await run('iptables', ['-w', '-t', 'nat', '-D', 'POSTROUTING', ...spec]);
      await run('iptables', ['-w', '-t', 'nat', '-F', chain]);
      await run('iptables', ['-w', '-t', 'nat', '-X', chain]);
      removed.push(chain);
    } catch {
      // already gone, or still referenced: leave it
    }
  }
  return removed;
}

/**
 * Stops and removes every pod sandbox, a few at a time: each stop waits on its shim and CNI DEL, so
 * one after another 100 pods take ~20 s (cleanup.ts' removeAllPodSandboxes does them in sequence).
 */
async function removeSandboxesConcurrently(runtime: ContainerRuntime, concurrency = 8): Promise<number> {
  const ids = (await runtime.listPodSandbox()).map((sb) => sb.id);
  const errors: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      try {
        await runtime.stopPodSandbox(id);
        await runtime.removePodSandbox(id);
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, ids.length) }, worker));
  if (errors.length > 0) throw new AggregateError(errors, `failed to remove ${errors.length} of ${ids.length} pod sandboxes: ${String(errors[0])}`);
  return ids.length;
}

/** Tears down the node whose agent data dir is agentDir; never throws, collects errors instead. */
export async function teardownNode(agentDir: string, opts: { cgroupRoot?: string; bridge?: string } = {}): Promise<TeardownReport> {
  const report: TeardownReport = { sandboxes: 0, leftovers: 0, cgroups: 0, bridge: false, unmounted: 0, errors: [] };
  const remembered = readNodeSettings(agentDir);
  const note = (what: string, err: unknown): void => {
    report.errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  };
  const paths = containerdPaths(agentDir);
  if (existsSync(paths.config)) {
    try {
      // Also stops a containerd an earlier, killed server left behind (the supervisor's stale check).
      const handle = await startContainerRuntime({ dataDir: agentDir, importPauseImage: false, stopTimeoutMs: 5000 });
      const ids = await knownIds(paths);
      try {
        report.sandboxes = await removeSandboxesConcurrently(handle.runtime);
      } catch (err) {
        note('removing pod sandboxes', err);
      }
      await handle.stop();
      report.leftovers = (await cleanupLeftovers({ paths, ids })).length;
      report.leftovers += (await removeStaleMasqRules(new Set(ids))).length;
    } catch (err) {
      note('containerd', err);
    }
  }
  const root = opts.cgroupRoot ?? remembered.cgroupRoot ?? DEFAULT_CGROUP_ROOT;
  const cgroups = new CgroupfsPodCgroups(root);
  for (const uid of await cgroups.list().catch(() => [] as string[])) {
    try {
      report.cgroups += (await cgroups.remove(uid)).length > 0 ? 1 : 0;
    } catch (err) {
      note(`pod cgroup ${uid}`, err);
    }
  }
  // The QoS parents go too once empty (they stay if another kite on this host still runs pods).
  await removeCgroup(root).catch(() => undefined);
  // A bridge with veths still attached serves another kite's pods on this host: leave it.
  const bridge = opts.bridge ?? remembered.podBridge ?? DEFAULT_BRIDGE;
  if (readdirSafe(`/sys/class/net/${bridge}/brif`).length === 0) report.bridge = await removeBridge(bridge);
  report.unmounted = await unmountUnder(agentDir);
  await rm(paths.cniDataDir, { recursive: true, force: true }).catch((err: unknown) => note('CNI state', err));
  return report;
}
