// Where kite's own containerd keeps its files: everything under <agent data dir>/containerd and
// <agent data dir>/cni, so two kites (or a system containerd) never share state.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where kite keeps its state: /var/lib/kite as root, ~/.kite otherwise. */
export const KITE_HOME = process.getuid?.() === 0 ? '/var/lib/kite' : join(homedir(), '.kite');

/** A standalone `kite agent`'s data dir. */
export const DEFAULT_AGENT_DATA_DIR = join(KITE_HOME, 'agent');

/** The data dir of the agent embedded in a `kite server` with the default data dir. */
export const EMBEDDED_AGENT_DATA_DIR = join(KITE_HOME, 'server', 'agent');

/** containerd's CRI plugin works in this namespace (what `ctr -n` must name to see CRI's images). */
export const CRI_NAMESPACE = 'k8s.io';

/** Name of kite's CNI network; also the prefix of libcni's cache files in /var/lib/cni/results. */
export const CNI_NETWORK_NAME = 'kite-pods';

export interface ContainerdPaths {
  base: string;
  config: string;
  root: string;
  state: string;
  socket: string;
  ttrpcSocket: string;
  opt: string;
  runcRoot: string;
  certsDir: string;
  log: string;
  cniConfDir: string;
  cniDataDir: string;
}

export function containerdPaths(dataDir: string): ContainerdPaths {
  const base = join(dataDir, 'containerd');
  return {
    base,
    config: join(base, 'config.toml'),
    root: join(base, 'root'),
    state: join(base, 'state'),
    socket: join(base, 'containerd.sock'),
    ttrpcSocket: join(base, 'containerd.sock.ttrpc'),
    opt: join(base, 'opt'),
    runcRoot: join(base, 'runc'),
    certsDir: join(base, 'certs.d'),
    log: join(base, 'containerd.log'),
    cniConfDir: join(dataDir, 'cni', 'net.d'),
    cniDataDir: join(dataDir, 'cni', 'networks'),
  };
}
