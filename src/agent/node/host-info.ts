// What the node reports about the machine it runs on, read from the host: cpus, memory
// (/proc/meminfo), the data dir's filesystem (statfs), pids, addresses, identity and OS.
import { readFileSync, readdirSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { availableParallelism, hostname as osHostname, networkInterfaces, release } from 'node:os';

export interface HostInfo {
  hostname: string;
  /** The node's InternalIP (one address, as the kubelet reports by default). */
  internalIPs: string[];
  cpus: number;
  memoryBytes: number;
  memoryAvailableBytes: number;
  /** The data dir's filesystem. */
  storageBytes: number;
  storageAvailableBytes: number;
  inodes: number;
  inodesFree: number;
  pidMax: number;
  pidsRunning: number;
  machineID: string;
  systemUUID: string;
  bootID: string;
  kernelVersion: string;
  osImage: string;
  operatingSystem: string;
  architecture: string;
}

const readText = (path: string): string => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
};

/** Fields of /proc/meminfo in bytes. */
export function parseMeminfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (m) out[m[1]!] = Number(m[2]) * (line.includes('kB') ? 1024 : 1);
  }
  return out;
}

/** PRETTY_NAME of an os-release file. */
export function parseOsRelease(text: string): string {
  const m = /^PRETTY_NAME=(.*)$/m.exec(text);
  return m ? m[1]!.replace(/^["']|["']$/g, '') : 'Linux';
}

/** The interface of the IPv4 default route in /proc/net/route, if any. */
export function defaultRouteInterface(routes = readText('/proc/net/route')): string | undefined {
  for (const line of routes.split('\n').slice(1)) {
    const [iface, destination, , , , , , mask] = line.trim().split(/\s+/);
    if (destination === '00000000' && mask === '00000000') return iface;
  }
  return undefined;
}

/** The node's InternalIP: an address of the default route's interface (IPv4 before IPv6), never a pod bridge's. */
export function nodeAddresses(ifaces = networkInterfaces(), preferred = defaultRouteInterface()): string[] {
  const ordered = Object.entries(ifaces).sort(([a], [b]) => Number(b === preferred) - Number(a === preferred));
  const v4: string[] = [];
  const v6: string[] = [];
  for (const [name, addrs] of ordered) {
    // Pod bridges and container veths carry no node address.
    if (/^(kite|ktest|cni|veth|docker|podman)/.test(name)) continue;
    for (const a of addrs ?? []) {
      if (a.internal) continue;
      if (a.family === 'IPv4') v4.push(a.address);
      else if (!a.address.startsWith('fe80:')) v6.push(a.address);
    }
  }
  const all = [...v4, ...v6];
  return all.length > 0 ? [all[0]!] : ['127.0.0.1'];
}

export const GO_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

function countPids(): number {
  try {
    return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
  } catch {
    return 0;
  }
}

export async function readHostInfo(dataDir: string): Promise<HostInfo> {
  const mem = parseMeminfo(readText('/proc/meminfo'));
  const fs = await statfs(dataDir);
  const machineID = readText('/etc/machine-id') || readText('/var/lib/dbus/machine-id');
  return {
    hostname: osHostname().toLowerCase(),
    internalIPs: nodeAddresses(),
    cpus: availableParallelism(),
    memoryBytes: mem.MemTotal ?? 0,
    memoryAvailableBytes: mem.MemAvailable ?? mem.MemFree ?? 0,
    storageBytes: fs.blocks * fs.bsize,
    storageAvailableBytes: fs.bavail * fs.bsize,
    inodes: fs.files,
    inodesFree: fs.ffree,
    pidMax: Number(readText('/proc/sys/kernel/pid_max')) || 32768,
    pidsRunning: countPids(),
    machineID,
    systemUUID: readText('/sys/class/dmi/id/product_uuid').toLowerCase() || machineID,
    bootID: readText('/proc/sys/kernel/random/boot_id'),
    kernelVersion: release(),
    osImage: parseOsRelease(readText('/etc/os-release')),
    operatingSystem: 'linux',
    architecture: GO_ARCH[process.arch] ?? process.arch,
  };
}
