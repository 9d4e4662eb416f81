// `kite down`: undoes `kite up`. Stops kite server (SIGTERM via its pid file, SIGKILL after a grace
// period), then tears its node down: pod sandboxes, kite's containerd, pod cgroups, CNI state and
// the pod bridge. --purge also deletes the data dir (database, certificates, images).
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { rm, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DEFAULT_DATA_DIR } from './server.js';
import { serverLayout, stopServers } from './up/server-process.js';
import { Steps } from './up/steps.js';
import { teardownNode, unmountUnder } from './up/teardown.js';

export interface DownFlags {
  dataDir: string;
  purge?: boolean;
}

export async function down(flags: DownFlags, steps = new Steps()): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('kite down needs root: it stops containerd and removes pods, cgroups and the pod bridge');
  const layout = serverLayout(flags.dataDir);
  if (!existsSync(layout.dataDir)) {
    steps.say(`nothing to do: ${layout.dataDir} does not exist`);
    return;
  }
  await steps.run('stop kite server', async (step) => {
    const pids = await stopServers(layout);
    step.detail = pids.length ? `pid ${pids.join(', ')}` : 'was not running';
  });
  const report = await steps.run('remove pods, containerd, cgroups, CNI state', async (step) => {
    const r = await teardownNode(layout.agentDir);
    step.detail = [
      `${r.sandboxes} pod sandbox${r.sandboxes === 1 ? '' : 'es'}`,
      `${r.cgroups} pod cgroup${r.cgroups === 1 ? '' : 's'}`,
      ...(r.bridge ? ['bridge'] : []),
      ...(r.unmounted ? [`${r.unmounted} mounts`] : []),
    ].join(', ');
    return r;
  });
  for (const e of report.errors) steps.say(`  warning: ${e}`);
  if (flags.purge) {
    await steps.run(`delete ${layout.dataDir}`, async () => {
      await unmountUnder(layout.dataDir);
      await rm(layout.dataDir, { recursive: true, force: true });
      await rmdir(dirname(layout.dataDir)).catch(() => undefined); // /var/lib/kite, once empty
    });
  }
  steps.say(flags.purge ? 'kite is down and its data is gone.' : `kite is down (data kept in ${layout.dataDir}; \`kite up\` starts it again).`);
}

export function registerDownCommand(program: Command): void {
  program
    .command('down')
    .description("Stop kite server and remove its pods, containerd, cgroups and pod network (--purge: its data too)")
    .option('--data-dir <dir>', "the server's data dir", DEFAULT_DATA_DIR)
    .option('--purge', 'also delete the data dir (database, certificates, images)')
    .action((flags: DownFlags) => down(flags));
}
