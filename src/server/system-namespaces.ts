// The namespaces every Kubernetes cluster has from its first start.
import { isStatusError } from '../apimachinery/errors.js';
import type { KubeObject } from '../apimachinery/meta.js';
import { SYSTEM_MASTERS } from '../apiserver/authn/user.js';
import type { ServedResources } from './served-resources.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export async function ensureSystemNamespaces(resources: ServedResources): Promise<void> {
  const namespaces = resources.get('', 'namespaces');
  const ctx = { user: { name: 'system:apiserver', groups: [SYSTEM_MASTERS] }, namespace: '', dryRun: false };
  for (const name of SYSTEM_NAMESPACES) {
    const ns: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    try {
      await namespaces.registry.create(ctx, ns);
    } catch (err) {
      if (!(isStatusError(err) && err.reason === 'AlreadyExists')) throw err;
    }
  }
}
