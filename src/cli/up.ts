// `kite up`: a newcomer's one command. On a fresh Debian machine (as root) it installs what a node
// needs, starts `kite server` (API, controllers, scheduler, agent, containerd) in the background,
// imports kite's local images, deploys a demo web app that needs no registry, and says what to try.
// Run again while kite is up, it only reports the status.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { DEFAULT_DATA_DIR } from './server.js';
import { adminClient, importLocalImages, waitForNodeReady } from './up/cluster-client.js';
import { deployDemo, waitForDemo } from './up/demo.js';
import { installKubeconfig, printNextSteps, printStatus } from './up/report.js';
import { aptInstall, missingPackages } from './up/packages.js';
import { findServers, isKiteServer, kubeconfigServer, logTail, otherKiteNodes, serverLayout, startServerDetached, waitForReadyz } from './up/server-process.js';
import { Steps, formatMs } from './up/steps.js';

export interface UpFlags {
  dataDir: string;
  httpsPort: number;
  nodeName?: string;
  demo: boolean;
  timeout: number;
}

export async function up(flags: UpFlags, steps = new Steps()): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('kite up needs root: it installs packages and runs containerd (try: sudo ./bin/kite up)');
  const layout = serverLayout(flags.dataDir);
  const timeoutMs = flags.timeout * 1000;
  const nodeName = (flags.nodeName ?? hostname()).toLowerCase();

  const running = await findServers(layout);
  if (running.length > 0) {
    await printStatus(layout, running[0] as number, steps);
    return;
  }

  const others = otherKiteNodes(layout.dataDir);
  if (others.length > 0) {
    throw new Error(`another kite node runs on this host (data dir ${others.join(', ')}); one node per host: stop it first with \`kite down --data-dir ${others[0]}\``);
  }
  steps.say(`kite up: a single-node cluster on ${nodeName} (data in ${layout.dataDir})`);
  const missing = missingPackages();
  if (missing.length > 0 && !['/usr/bin/apt-get', '/bin/apt-get'].some(existsSync)) {
    throw new Error(`missing, and no apt-get to install them: ${missing.map((p) => `${p.name} (${p.purpose})`).join(', ')}`);
  }
  if (missing.length > 0) {
    await steps.run(`install ${missing.map((p) => p.name).join(' ')}`, async (step) => {
      await aptInstall(missing.map((p) => p.name), {
        onPhase: (phase) => (step.detail = phase),
        onActivity: (line) => (step.detail = line),
      });
      step.detail = '';
      const still = missingPackages();
      if (still.length > 0) throw new Error(`still missing after apt-get: ${still.map((p) => `${p.name} (${p.purpose})`).join(', ')}`);
    });
  }
  const { agentUnavailableReason } = await import('../agent/availability.js');
  const unavailable = agentUnavailableReason();
  if (unavailable) throw new Error(`this machine cannot run kite's node: ${unavailable}`);
  const t0 = steps.elapsedMs;

  if (!(await portFree(flags.httpsPort))) throw new Error(`port ${flags.httpsPort} is in use: pick another with --https-port`);
  const url = `https://127.0.0.1:${flags.httpsPort}`;
  const args = ['--https-port', String(flags.httpsPort), ...(flags.nodeName ? ['--node-name', flags.nodeName] : [])];
  const pid = await steps.run('start kite server', async (step) => {
    const pid = await startServerDetached(layout, args);
    step.detail = `pid ${pid}, log ${layout.logFile}`;
    return pid;
  });
  const fail = (err: unknown): never => {
    const message = err instanceof Error ? err.message : String(err);
    if (!isKiteServer(pid, layout.dataDir)) throw new Error(message);
    throw new Error(`${message}\n(kite server keeps running as pid ${pid}; \`kite down\` stops it. The end of ${layout.logFile}:\n${logTail(layout, 10)})`);
  };
  // containerd comes up inside the server while its API starts: import the images meanwhile.
  const images = importLocalImages(layout, timeoutMs);
  images.catch(() => undefined);
  await steps.run(`API ready at ${url}`, () => waitForReadyz(layout, url, pid, timeoutMs)).catch(fail);
  const client = await adminClient(layout, url);
  try {
    // From here on everything is started at once and reported in order: the demo is created as soon
    // as its images are in (the controllers and the node pick it up as they come up).
    const settled = <T>(p: Promise<T>): Promise<T> => {
      p.catch(() => undefined);
      return p;
    };
    const nodeReady = settled(waitForNodeReady(client, nodeName, timeoutMs));
    const kubeconfig = settled(waitFor(async () => (await kubeconfigServer(layout.kubeconfig)) === url, timeoutMs, `${layout.kubeconfig} for ${url}`)
      .then(() => installKubeconfig(layout.kubeconfig)));
    const deployed = settled(flags.demo ? images.then(() => deployDemo(client)) : Promise.resolve([]));
    await steps.run('import local images', async (step) => {
      const done = await images;
      step.detail = done.map((i) => `${i.name}${i.imported ? '' : ' (present)'}`).join(', ');
    }).catch(fail);
    await steps.run(`node ${nodeName} Ready`, () => nodeReady).catch(fail);
    await steps.run('kubeconfig', async (step) => {
      step.detail = await kubeconfig;
    }).catch(fail);
    if (flags.demo) {
      await steps.run('deploy demo: deployment/hello (2 replicas), service/hello', () => deployed).catch(fail);
      const pods = await steps.run('demo answers HTTP 200', async (step) => {
        const pods = await waitForDemo(client, 2, timeoutMs);
        step.detail = pods.map((p) => `${p.name} at ${p.ip}`).join(', ');
        return pods;
      }).catch(fail);
      steps.say(`\nkite is up: ${formatMs(steps.elapsedMs - t0)} from start to the demo answering.`);
      printNextSteps(layout, steps, pods);
    } else {
      steps.say(`\nkite is up in ${formatMs(steps.elapsedMs - t0)}.`);
      printNextSteps(layout, steps, []);
    }
  } finally {
    client.close();
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '0.0.0.0', () => srv.close(() => resolve(true)));
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('Install what is missing, start kite (server + node agent + containerd) in the background and deploy a demo app')
    .option('--data-dir <dir>', "the server's data dir (pid file, log, kubeconfig, agent state)", DEFAULT_DATA_DIR)
    .option('--https-port <port>', 'HTTPS port of the API', (v) => Number(v), 6443)
    .option('--node-name <name>', 'name of this node (default: the host name)')
    .option('--no-demo', 'do not deploy the demo app')
    .option('--timeout <seconds>', 'give up waiting after this long', (v) => Number(v), 120)
    .action((flags: UpFlags) => up(flags));
}
