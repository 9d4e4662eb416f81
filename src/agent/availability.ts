// Whether this machine can run kite's node agent, answered without loading the agent: `kite up`
// and `kite server` ask before anything else, and loading the agent's modules (gRPC, protobuf,
// the pod and volume code) would put hundreds of milliseconds on their start.
import { existsSync } from 'node:fs';
import { catatonitPath } from './images/builtin.js';

/**
 * Why the agent cannot run containers on this machine, or undefined when it can: `kite server`
 * checks this first and runs without a node (with a warning) instead of failing to start.
 */
export function agentUnavailableReason(opts: { containerRuntimeEndpoint?: string } = {}): string | undefined {
  if (process.platform !== 'linux') return `containers need Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'the node agent needs root (containerd, runc, CNI, cgroups)';
  if (opts.containerRuntimeEndpoint) return undefined;
  const needed: Array<[string, string]> = [
    ['/usr/bin/containerd', 'containerd'], ['/usr/bin/ctr', 'containerd'], ['/usr/sbin/runc', 'runc'], ['/usr/lib/cni/bridge', 'containernetworking-plugins'],
  ];
  for (const [path, pkg] of needed) if (!existsSync(path)) return `${path} is missing (apt-get install ${pkg})`;
  try {
    catatonitPath();
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  return undefined;
}
