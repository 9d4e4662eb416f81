// The `kubernetes` Service in the default namespace (10.43.0.1:443) and its Endpoints, which
// point at this API server, as every Kubernetes cluster has them.
import { networkInterfaces } from 'node:os';
import { isStatusError } from '../apimachinery/errors.js';
import type { KubeObject } from '../apimachinery/meta.js';
import { SYSTEM_MASTERS } from '../apiserver/authn/user.js';
import type { ServedResources } from './served-resources.js';

export const KUBERNETES_SERVICE_IP = '10.43.0.1';

/** The address other machines reach this server at: the first non-internal IPv4, else loopback. */
export function advertiseAddress(): string {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return '127.0.0.1';
}

export async function ensureKubernetesService(resources: ServedResources, port: number, address = advertiseAddress()): Promise<void> {
  const ctx = { user: { name: 'system:apiserver', groups: [SYSTEM_MASTERS] }, namespace: 'default', dryRun: false };
  const service: KubeObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: KUBERNETES_SERVICE_IP, ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: port }], sessionAffinity: 'None' },
  };
  const endpoints: KubeObject = {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: address }], ports: [{ name: 'https', port, protocol: 'TCP' }] }],
  };
  await createIfMissing(resources, 'services', service, ctx);
  // The endpoints follow the server's address and port, which may change between starts.
  const registry = resources.get('', 'endpoints').registry;
  await registry.update(ctx, 'kubernetes', (current) => (current ? { ...current, subsets: endpoints.subsets } : endpoints), { createIfMissing: true });
}

async function createIfMissing(resources: ServedResources, resource: string, obj: KubeObject, ctx: Parameters<ServedResources['all'][number]['registry']['create']>[0]): Promise<void> {
  const registry = resources.get('', resource).registry;
  // Look first: a create of an existing Service would fail on its taken ClusterIP, not on its name.
  try {
    await registry.get(ctx.namespace, obj.metadata.name ?? '');
    return;
  } catch (err) {
    if (!(isStatusError(err) && err.reason === 'NotFound')) throw err;
  }
  try {
    await registry.create(ctx, obj);
  } catch (err) {
    if (!(isStatusError(err) && err.reason === 'AlreadyExists')) throw err;
  }
}
