// The setting of the streaming e2e test: a throw-away containerd with one pod run through CRI
// (no kubelet), kite's control plane in this process with the streaming subresources registered,
// the agent server on 127.0.0.1 (serving certificate from kite's server CA), and Node and Pod
// objects made by hand that point at it. kubectl runs against it with the admin kubeconfig.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUSYBOX_IMAGE, WEB_IMAGE, WEB_PORT } from '../../src/agent/images/builtin.js';
import { type AgentServer, startAgentServer } from '../../src/agent/streaming/server.js';
import { agentDialer } from '../../src/apiserver/streaming/dial.js';
import { registerStreamingSubresources } from '../../src/apiserver/streaming/register.js';
import { ensurePki } from '../../src/pki/bootstrap.js';
import { issueServingCert } from '../../src/pki/certs.js';
import { type ControlPlane, startControlPlane } from '../../src/server/control-plane.js';
import { type TestContainerd, startTestContainerd } from './containerd.js';
import { type KubectlOptions, type KubectlResult, freePort, runKubectl } from './kite-server.js';

export const POD = 'demo';
/** Exits promptly on SIGTERM (a shell as PID 1 ignores signals it has no trap for). */
export const FOREVER = 'trap "exit 0" TERM; while :; do sleep 1 & wait $!; done';

/** The pod's containers: name -> shell script (web runs the image's httpd). */
export const SCRIPTS: Record<string, string> = {
  // stdout and stderr reach the log through separate pipes: the pauses keep their order stable.
  app: `echo hello 1; echo hello 2; sleep 0.2; echo oops >&2; sleep 0.2; printf 'no newline yet'; sleep 0.1; echo ' - done'; echo hello 3; ${FOREVER}`,
  ticker: `i=0; while :; do i=$((i+1)); echo tick $i; sleep 0.3; done`,
  restarter: '', // attempt 0 and 1 are made by the test
  short: '', // started by the follow test
};

export interface StreamingEnv {
  c: TestContainerd;
  cp: ControlPlane;
  agent: AgentServer;
  podSandboxId: string;
  podIp: string;
  /** The Upgrade header of each request the agent got (websocket / SPDY/3.1). */
  upgrades: string[];
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  kubectlArgs(): string[];
  /** Creates and starts one more container in the pod. */
  startContainer(name: string, script: string, attempt?: number): Promise<string>;
  stop(): Promise<void>;
}

export async function startStreamingEnv(): Promise<StreamingEnv> {
  const c = await startTestContainerd({ images: ['busybox', 'web'] });
  const dataDir = await mkdtemp(join(tmpdir(), 'kite-streaming-'));
  const cacheDir = join(dataDir, 'kubectl-cache');
  let cp: ControlPlane | undefined;
  let agent: AgentServer | undefined;
  const stop = async (): Promise<void> => {
    await agent?.close();
    await cp?.stop();
    await c.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    cp = await startControlPlane({ dataDir, httpsPort: await freePort(), bindAddress: '127.0.0.1', controllers: false, scheduler: false, logLevel: 'error' });
    const pki = await ensurePki(dataDir);
    const nodes = cp.resources.get('', 'nodes');
    registerStreamingSubresources({
      dialAgent: agentDialer({ caPem: pki.serverCa.certPem, certPem: pki.apiserverClient.certPem, keyPem: pki.apiserverClient.keyPem }),
      getNode: (name) => nodes.registry.get('', name),
    });
    const serving = await issueServingCert(pki.serverCa.authority, { commonName: 'kite-agent', sans: { dns: ['localhost'], ips: ['127.0.0.1'] } });
    agent = await startAgentServer({
      runtime: c.runtime, port: 0, host: '127.0.0.1',
      tls: { certPem: serving.certPem, keyPem: serving.keyPem, clientCaPem: pki.clientCa.certPem },
      log: (msg, fields) => console.error(msg, fields),
    });
    const upgrades: string[] = [];
    agent.server.prependListener('upgrade', (req) => upgrades.push(String(req.headers.upgrade)));

    const uid = randomUUID();
    const sandbox = c.sandboxConfig(POD, uid);
    const podSandboxId = await c.runtime.runPodSandbox(sandbox);
    const podIp = (await c.runtime.podSandboxStatus(podSandboxId)).status?.network?.ip ?? '';
    const startContainer = async (name: string, script: string, attempt = 0): Promise<string> => {
      const web = name === 'web';
      const id = await c.runtime.createContainer(podSandboxId, {
        metadata: { name, attempt }, image: { image: web ? WEB_IMAGE : BUSYBOX_IMAGE }, logPath: `${name}/${attempt}.log`,
        ...(web ? {} : { command: ['sh', '-c', script] }),
      }, sandbox);
      await c.runtime.startContainer(id);
      return id;
    };
    await startContainer('app', SCRIPTS.app!);
    await startContainer('ticker', SCRIPTS.ticker!);
    await startContainer('web', '');

    const kubectlArgs = (): string[] => ['--kubeconfig', cp!.kubeconfigPath, '--cache-dir', cacheDir];
    const kubectl = (args: string[], opts?: KubectlOptions): Promise<KubectlResult> => runKubectl([...kubectlArgs(), ...args], opts);
    const node = {
      apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' },
      status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'node-1' }], daemonEndpoints: { kubeletEndpoint: { Port: agent.port } } },
    };
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: POD, namespace: 'default', uid, annotations: { 'kubectl.kubernetes.io/default-container': 'app' } },
      spec: { nodeName: 'node-1', containers: ['app', 'ticker', 'web', 'restarter', 'short', 'done', 'never'].map((name) => ({ name, image: name === 'web' ? WEB_IMAGE : BUSYBOX_IMAGE })) },
    };
    const manifest = join(dataDir, 'objects.json');
    await writeFile(manifest, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [node, pod] }));
    let r = await kubectl(['create', '-f', manifest, '--validate=false']);
    if (r.code !== 0) throw new Error(`kubectl create: ${r.stderr}`);
    r = await kubectl(['patch', 'pod', POD, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { phase: 'Running', podIP: podIp } })]);
    if (r.code !== 0) throw new Error(`kubectl patch status: ${r.stderr}`);
    return { c, cp, agent, podSandboxId, podIp, upgrades, kubectl, kubectlArgs, startContainer, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

export { WEB_PORT };
