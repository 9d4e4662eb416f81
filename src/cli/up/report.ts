// What `kite up` prints: where the kubeconfig is, how to reach the demo, what to try next with
// kubectl, and (when kite is already up) the cluster's status.
import { copyFile, mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Node } from 'kubernetes-types/core/v1.js';
import { WEB_PORT } from '../../agent/images/builtin.js';
import { NODES } from '../../client/resources.js';
import { type DemoPod, demoPods, DEMO_NAME } from './demo.js';
import { adminClient, nodeReady } from './cluster-client.js';
import { KITE_BIN, type ServerLayout, httpsStatus, kubeconfigServer } from './server-process.js';
import type { Steps } from './steps.js';

/** Copies the kubeconfig to ~/.kube/config unless that file exists; says which happened. */
export async function installKubeconfig(kubeconfig: string, home = homedir()): Promise<string> {
  const target = join(home, '.kube', 'config');
  if (existsSync(target)) return `${target} exists: left as it is`;
  await mkdir(join(home, '.kube'), { recursive: true, mode: 0o700 });
  await copyFile(kubeconfig, target);
  return `copied to ${target}`;
}

const kite = (): string => {
  const rel = KITE_BIN.startsWith(`${process.cwd()}/`) ? `./${KITE_BIN.slice(process.cwd().length + 1)}` : KITE_BIN;
  return rel;
};

export function printNextSteps(layout: ServerLayout, steps: Steps, pods: DemoPod[]): void {
  const first = pods[0];
  const lines = [
    '',
    'Use it:',
    `  export KUBECONFIG=${layout.kubeconfig}`,
    ...(first ? [
      `  curl http://${first.ip}:${WEB_PORT}/          # the demo, straight to a pod IP (pods: ${pods.map((p) => p.ip).join(', ')})`,
    ] : []),
    '',
    'Try next:',
    '  kubectl get nodes -o wide',
    '  kubectl get pods -o wide',
    ...(first ? [
      `  kubectl logs deploy/${DEMO_NAME}                    # busybox httpd's access log`,
      `  kubectl exec deploy/${DEMO_NAME} -- hostname`,
      `  kubectl port-forward deploy/${DEMO_NAME} ${WEB_PORT}:${WEB_PORT}   # then: curl http://127.0.0.1:${WEB_PORT}/`,
      `  kubectl scale deploy/${DEMO_NAME} --replicas=4 && kubectl get pods -o wide`,
      `  kubectl delete pod -l app=${DEMO_NAME}              # the Deployment brings them back`,
    ] : []),
    '  kubectl run shell --rm -it --restart=Never --image=kite.local/busybox:latest --image-pull-policy=IfNotPresent -- sh',
    '',
    `Images (no registry needed): ${kite()} image ls --data-dir ${layout.agentDir}`,
    `                             ${kite()} image import FILE.tar --data-dir ${layout.agentDir}`,
    `Server log: ${layout.logFile}`,
    `Stop: ${kite()} down${layout.dataDir === '/var/lib/kite/server' ? '' : ` --data-dir ${layout.dataDir}`}   (add --purge to delete ${layout.dataDir})`,
  ];
  for (const line of lines) steps.say(line);
}

/** `kite up` when kite is already up: what runs, and whether it is healthy. */
export async function printStatus(layout: ServerLayout, pid: number, steps: Steps): Promise<void> {
  steps.say(`kite is already up (kite server pid ${pid}, data in ${layout.dataDir})`);
  const url = await kubeconfigServer(layout.kubeconfig);
  if (!url) {
    steps.say(`  the server is still starting (no ${layout.kubeconfig} yet); see ${layout.logFile}`);
    return;
  }
  const readyz = await httpsStatus(`${url}/readyz`, layout.serverCa);
  steps.say(`  API ${url}: ${readyz === 200 ? 'ready' : readyz ? `readyz answers ${readyz}` : 'not answering'}`);
  if (readyz !== 200) {
    steps.say(`  see ${layout.logFile}`);
    return;
  }
  const client = await adminClient(layout, url);
  try {
    const nodes = (await client.list<Node>(NODES, undefined)).items;
    for (const n of nodes) steps.say(`  node ${n.metadata?.name}: ${nodeReady(n) ? 'Ready' : 'NotReady'}`);
    if (nodes.length === 0) steps.say('  no node registered yet');
    const pods = await demoPods(client);
    const answering = pods.filter((p) => p.answers);
    if (pods.length === 0) steps.say(`  demo: not deployed (kubectl get deploy ${DEMO_NAME})`);
    else steps.say(`  demo: ${answering.length}/${pods.length} pods answer HTTP 200${answering.length ? ` (${answering.map((p) => `http://${p.ip}:${WEB_PORT}/`).join(', ')})` : ''}`);
    printNextSteps(layout, steps, answering);
  } finally {
    client.close();
  }
}
