// kite's containerd configuration (version 2 TOML), CNI network and registry hosts, written by us so
// containerd never reads /etc/containerd or /etc/cni. CONTAINERD.md records why each setting is here.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CNI_NETWORK_NAME, type ContainerdPaths } from './paths.js';

export const DEFAULT_POD_CIDR = '10.42.0.0/16';
export const DEFAULT_BRIDGE = 'kite0';
/** kite's locally built pause image (see images/builtin.ts); a name no registry serves. */
export const DEFAULT_SANDBOX_IMAGE = 'kite.local/pause:1.0';

export interface ContainerdConfigOptions {
  paths: ContainerdPaths;
  sandboxImage?: string;
  podCidr?: string;
  bridgeName?: string;
  /** CNI network name (also the prefix of libcni's cache files); default kite-pods. */
  networkName?: string;
  runcBinary?: string;
  cniBinDir?: string;
  /** Registries reached over plain HTTP (host:port); default 127.0.0.1:5000. */
  plainHttpRegistries?: string[];
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
}

// TOML basic strings accept JSON's escapes for everything JSON.stringify emits for a string.
const q = (s: string): string => JSON.stringify(s);

export function renderContainerdConfig(opts: ContainerdConfigOptions): string {
  const p = opts.paths;
  const cri = '[plugins."io.containerd.grpc.v1.cri"';
  return `# Written by kite: changes are overwritten on the next start.
version = 2
root = ${q(p.root)}
state = ${q(p.state)}
oom_score = 0
# Snapshotters that cannot work here only add start-up noise.
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = ${q(p.socket)}

[ttrpc]
  address = ${q(p.ttrpcSocket)}

[debug]
  level = ${q(opts.logLevel ?? 'info')}

[metrics]
  address = ""

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = ${q(p.opt)}

  ${cri}]
    sandbox_image = ${q(opts.sandboxImage ?? DEFAULT_SANDBOX_IMAGE)}
    # Without CAP_SYS_RESOURCE every RunPodSandbox fails unless the OOM score is only ever raised.
    restrict_oom_score_adj = true
    netns_mounts_under_state_dir = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    enable_tls_streaming = false
    max_container_log_line_size = 16384
    enable_selinux = false

    ${cri}.containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"

      ${cri}.containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"

        ${cri}.containerd.runtimes.runc.options]
          BinaryName = ${q(opts.runcBinary ?? '/usr/sbin/runc')}
          Root = ${q(p.runcRoot)}
          SystemdCgroup = false

    ${cri}.cni]
      bin_dir = ${q(opts.cniBinDir ?? '/usr/lib/cni')}
      conf_dir = ${q(p.cniConfDir)}
      max_conf_num = 1

    ${cri}.registry]
      config_path = ${q(p.certsDir)}
`;
}

export interface CniOptions {
  paths: ContainerdPaths;
  podCidr?: string;
  bridgeName?: string;
  networkName?: string;
}

/** The pod network: a bridge with host-local IPAM, NAT to the outside and hostPort support. */
export function renderCniConflist(opts: CniOptions): string {
  const subnet = opts.podCidr ?? DEFAULT_POD_CIDR;
  if (subnet.startsWith('10.88.')) {
    // podman/buildah put cni-podman0 on 10.88.0.0/16; its route silently shadows ours.
    throw new Error(`pod CIDR ${subnet} collides with podman's default network; use e.g. ${DEFAULT_POD_CIDR}`);
  }
  const conflist = {
    cniVersion: '1.0.0',
    name: opts.networkName ?? CNI_NETWORK_NAME,
    plugins: [
      {
        type: 'bridge',
        bridge: opts.bridgeName ?? DEFAULT_BRIDGE,
        isGateway: true,
        ipMasq: true,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet }]],
          routes: [{ dst: '0.0.0.0/0' }],
          dataDir: opts.paths.cniDataDir,
        },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  };
  return `${JSON.stringify(conflist, null, 2)}\n`;
}

/** certs.d/<host>/hosts.toml telling containerd to speak plain HTTP to a registry. */
export function renderPlainHttpHosts(host: string): string {
  return `server = ${q(`http://${host}`)}

[host.${q(`http://${host}`)}]
  capabilities = ["pull", "resolve"]
  skip_verify = true
`;
}

/** Writes config.toml, the CNI conflist and the registry hosts files; creates the directories. */
export async function writeContainerdFiles(opts: ContainerdConfigOptions): Promise<void> {
  const p = opts.paths;
  for (const dir of [p.base, p.root, p.state, p.opt, p.runcRoot, p.certsDir, p.cniConfDir, p.cniDataDir]) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  }
  await writeFile(p.config, renderContainerdConfig(opts), { mode: 0o600 });
  await writeFile(join(p.cniConfDir, '10-kite.conflist'), renderCniConflist({ paths: p, podCidr: opts.podCidr, bridgeName: opts.bridgeName, networkName: opts.networkName }));
  for (const host of opts.plainHttpRegistries ?? ['127.0.0.1:5000']) {
    await mkdir(join(p.certsDir, host), { recursive: true });
    await writeFile(join(p.certsDir, host, 'hosts.toml'), renderPlainHttpHosts(host));
  }
}
