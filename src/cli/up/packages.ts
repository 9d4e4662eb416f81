// What a node needs from the host, as Debian packages: each is "present" when the files kite uses
// exist, so a machine set up by hand (or another distribution) passes without apt. Missing ones are
// installed with apt-get; `apt-get update` runs first only when the package lists are empty or the
// install could not find a package.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { isStaticElf } from '../../agent/images/builtin.js';

export interface HostPackage {
  name: string;
  /** Why kite needs it (shown when it is missing). */
  purpose: string;
  present: () => boolean;
}

const anyOf = (paths: string[], check: (p: string) => boolean = () => true): boolean => paths.some((p) => existsSync(p) && check(p));

export const HOST_PACKAGES: HostPackage[] = [
  { name: 'containerd', purpose: 'runs the containers (with ctr for image import)', present: () => anyOf(['/usr/bin/containerd']) && anyOf(['/usr/bin/ctr']) },
  { name: 'runc', purpose: 'the OCI runtime containerd uses', present: () => anyOf(['/usr/sbin/runc']) },
  {
    name: 'containernetworking-plugins', purpose: 'pod network (bridge, host-local, portmap, loopback)',
    present: () => ['bridge', 'host-local', 'portmap', 'loopback'].every((p) => existsSync(`/usr/lib/cni/${p}`)),
  },
  { name: 'catatonit', purpose: "the pods' pause process", present: () => anyOf(['/usr/bin/catatonit', '/usr/libexec/podman/catatonit']) },
  { name: 'busybox-static', purpose: "the demo's and busybox images' userland", present: () => anyOf(['/bin/busybox', '/usr/bin/busybox'], isStaticElf) },
  { name: 'iproute2', purpose: 'removing the pod bridge on kite down', present: () => anyOf(['/usr/sbin/ip', '/sbin/ip', '/usr/bin/ip']) },
];

export function missingPackages(packages = HOST_PACKAGES): HostPackage[] {
  return packages.filter((p) => !p.present());
}

function aptListsEmpty(dir = '/var/lib/apt/lists'): boolean {
  try {
    return !readdirSync(dir).some((f) => f.includes('_Packages'));
  } catch {
    return true;
  }
}

export interface AptProgress {
  /** The latest thing apt is doing ("Unpacking runc", "Setting up containerd"). */
  onActivity?: (line: string) => void;
  /** Each phase: "apt-get update", "apt-get install ...". */
  onPhase?: (phase: string) => void;
}

/** Runs apt-get with args; resolves to its output, rejects with the output's tail. */
function aptGet(args: string[], progress: AptProgress): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('apt-get', ['-q', '-o', 'Dpkg::Use-Pty=0', ...args], {
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (d: Buffer): void => {
      output += d.toString();
      const lines = d.toString().split('\n').map((l) => l.trim()).filter((l) => /^(Get:|Unpacking|Setting up|Hit:|Reading)/.test(l));
      const last = lines[lines.length - 1];
      if (last) progress.onActivity?.(last.replace(/\s*\.\.\.$/, '').replace(/ \(.*$/, ''));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (err) => reject(new Error(`cannot run apt-get: ${err.message}`)));
    child.once('close', (code) => {
      if (code === 0) resolve(output);
      else reject(Object.assign(new Error(`apt-get ${args.join(' ')} failed (exit ${code}):\n${output.trim().split('\n').slice(-15).join('\n')}`), { output }));
    });
  });
}

/** Installs the named packages; runs `apt-get update` first only when it looks needed. */
export async function aptInstall(names: string[], progress: AptProgress = {}): Promise<{ updated: boolean }> {
  const install = (): Promise<string> => {
    progress.onPhase?.(`apt-get install ${names.join(' ')}`);
    return aptGet(['install', '-y', '--no-install-recommends', ...names], progress);
  };
  const update = async (): Promise<void> => {
    progress.onPhase?.('apt-get update');
    await aptGet(['update'], progress);
  };
  if (aptListsEmpty()) {
    await update();
    await install();
    return { updated: true };
  }
  try {
    await install();
    return { updated: false };
  } catch (err) {
    const output = (err as { output?: string }).output ?? '';
    // Stale or partial lists: the package is unknown, or its file moved on the mirror.
    if (!/Unable to locate package|has no installation candidate|Failed to fetch|404\s+Not Found/.test(output)) throw err;
    await update();
    await install();
    return { updated: true };
  }
}
