// The embedded node's network and cgroup settings, remembered in its agent data dir, so that
// `kite down` tears down the bridge and cgroups a `kite server --pod-bridge/--cgroup-root` made
// without being told the same flags again.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface NodeSettings {
  podCidr?: string;
  podBridge?: string;
  cgroupRoot?: string;
}

const FILE = 'node-settings.json';

export async function writeNodeSettings(agentDir: string, settings: NodeSettings): Promise<void> {
  await mkdir(agentDir, { recursive: true });
  await writeFile(join(agentDir, FILE), JSON.stringify(settings) + '\n', { mode: 0o600 });
}

/** What the last server using agentDir was started with; {} when unknown (the defaults). */
export function readNodeSettings(agentDir: string): NodeSettings {
  try {
    const parsed = JSON.parse(readFileSync(join(agentDir, FILE), 'utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { podCidr, podBridge, cgroupRoot } = parsed as Record<string, unknown>;
    const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
    return { podCidr: str(podCidr), podBridge: str(podBridge), cgroupRoot: str(cgroupRoot) };
  } catch {
    return {};
  }
}
