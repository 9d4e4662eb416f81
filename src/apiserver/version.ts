// What /version reports. kubectl's dispatcher on these machines runs the kubectl matching the
// server's minor version, so kite reports the Kubernetes API level it implements: 1.32.
import { arch, platform } from 'node:os';

export const KUBERNETES_VERSION = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0+kite',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-23T00:00:00Z',
  goVersion: `node${process.versions.node}`,
  compiler: 'tsc',
  platform: `${platform()}/${arch() === 'x64' ? 'amd64' : arch()}`,
};
