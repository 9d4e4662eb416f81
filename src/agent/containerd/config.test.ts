import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderCniConflist, renderContainerdConfig, renderPlainHttpHosts } from './config.js';
import { containerdPaths } from './paths.js';

const paths = containerdPaths('/var/lib/kite/agent');

test('containerd config carries the settings this machine kind needs', () => {
  const toml = renderContainerdConfig({ paths });
  for (const line of [
    'version = 2',
    'root = "/var/lib/kite/agent/containerd/root"',
    'state = "/var/lib/kite/agent/containerd/state"',
    'address = "/var/lib/kite/agent/containerd/containerd.sock"',
    'sandbox_image = "kite.local/pause:1.0"',
    'restrict_oom_score_adj = true',
    'netns_mounts_under_state_dir = true',
    'snapshotter = "overlayfs"',
    'runtime_type = "io.containerd.runc.v2"',
    'BinaryName = "/usr/sbin/runc"',
    'SystemdCgroup = false',
    'bin_dir = "/usr/lib/cni"',
    'conf_dir = "/var/lib/kite/agent/cni/net.d"',
    'config_path = "/var/lib/kite/agent/containerd/certs.d"',
  ]) assert.ok(toml.split('\n').some((l) => l.trim() === line), `missing: ${line}`);
});

test('CNI: bridge + host-local on the pod CIDR, portmap; never podman\'s 10.88/16', () => {
  const conf = JSON.parse(renderCniConflist({ paths })) as { cniVersion: string; name: string; plugins: Record<string, unknown>[] };
  assert.equal(conf.cniVersion, '1.0.0');
  assert.equal(conf.name, 'kite-pods');
  const [bridge, portmap] = conf.plugins;
  assert.deepEqual([bridge?.type, bridge?.bridge, bridge?.isGateway, bridge?.ipMasq, bridge?.hairpinMode], ['bridge', 'kite0', true, true, true]);
  assert.deepEqual(bridge?.ipam, { type: 'host-local', ranges: [[{ subnet: '10.42.0.0/16' }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: '/var/lib/kite/agent/cni/networks' });
  assert.deepEqual(portmap, { type: 'portmap', capabilities: { portMappings: true } });
  assert.throws(() => renderCniConflist({ paths, podCidr: '10.88.0.0/16' }), /podman/);
});

test('plain-HTTP registry hosts.toml', () => {
  const hosts = renderPlainHttpHosts('127.0.0.1:5000');
  assert.match(hosts, /^server = "http:\/\/127\.0\.0\.1:5000"$/m);
  assert.match(hosts, /^\[host\."http:\/\/127\.0\.0\.1:5000"\]$/m);
  assert.match(hosts, /capabilities = \["pull", "resolve"\]/);
});
