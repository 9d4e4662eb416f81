// The demo `kite up` deploys: Deployment `hello` (2 replicas of kite's built-in busybox httpd image,
// which needs no registry) and a ClusterIP Service in front of it. On one node the pods are reached
// at their pod IPs (the host routes to the pod bridge) or through `kubectl port-forward`: a hostPort
// would let only one replica per node be scheduled.
import { get as httpGet } from 'node:http';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { WEB_IMAGE, WEB_PORT } from '../../agent/images/builtin.js';
import { isAlreadyExists } from '../../client/errors.js';
import { DEPLOYMENTS, PODS, SERVICES } from '../../client/resources.js';
import type { Client } from '../../client/types.js';

export const DEMO_NAME = 'hello';
export const DEMO_NAMESPACE = 'default';
const labels = { app: DEMO_NAME };

export function demoDeployment(replicas = 2): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: DEMO_NAME, namespace: DEMO_NAMESPACE, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          containers: [{
            name: 'web',
            image: WEB_IMAGE,
            imagePullPolicy: 'IfNotPresent',
            ports: [{ name: 'http', containerPort: WEB_PORT }],
          }],
        },
      },
    },
  };
}

export function demoService(): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: DEMO_NAME, namespace: DEMO_NAMESPACE, labels },
    spec: { type: 'ClusterIP', selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

/** Creates the demo objects that do not exist yet (a demo the user changed is left as it is). */
export async function deployDemo(client: Client): Promise<string[]> {
  const created: string[] = [];
  const create = async <T>(kind: string, fn: () => Promise<T>): Promise<void> => {
    try {
      await fn();
      created.push(kind);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  };
  await create('deployment', () => client.create(DEPLOYMENTS, DEMO_NAMESPACE, demoDeployment()));
  await create('service', () => client.create(SERVICES, DEMO_NAMESPACE, demoService()));
  return created;
}

export function httpStatus(host: string, port: number, timeoutMs = 1000): Promise<number> {
  return new Promise((resolve) => {
    const req = httpGet({ host, port, path: '/', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export interface DemoPod { name: string; ip: string; phase: string; ready: boolean; answers: boolean }

/** The demo's pods with whether each answers HTTP 200 at its pod IP. */
export async function demoPods(client: Client): Promise<DemoPod[]> {
  const pods = (await client.list<Pod>(PODS, DEMO_NAMESPACE, { labelSelector: `app=${DEMO_NAME}` })).items
    .filter((p) => !p.metadata?.deletionTimestamp);
  return Promise.all(pods.map(async (p) => {
    const ip = p.status?.podIP ?? '';
    return {
      name: p.metadata?.name ?? '',
      ip,
      phase: p.status?.phase ?? 'Pending',
      ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      answers: ip !== '' && (await httpStatus(ip, WEB_PORT, 500)) === 200,
    };
  }));
}

/** Waits until `want` demo pods answer HTTP 200; resolves to them. */
export async function waitForDemo(client: Client, want: number, timeoutMs: number): Promise<DemoPod[]> {
  const deadline = Date.now() + timeoutMs;
  let last: DemoPod[] = [];
  while (Date.now() < deadline) {
    last = await demoPods(client).catch(() => last);
    if (last.filter((p) => p.answers).length >= want) return last.filter((p) => p.answers);
    await new Promise((r) => setTimeout(r, 25));
  }
  const seen = last.map((p) => `${p.name} ${p.phase}${p.ip ? ` ${p.ip}` : ''}`).join(', ') || 'no pods';
  throw new Error(`the demo did not answer within ${timeoutMs / 1000} s (${seen}); try: kubectl describe pods -l app=${DEMO_NAME}`);
}
