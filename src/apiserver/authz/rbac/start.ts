// RBAC at server start: the authorizer follows the four RBAC watch caches, the bootstrap policy is
// ensured, and ClusterRole aggregation runs. Call after the watch caches are started.
import type { KubeObject } from '../../../apimachinery/meta.js';
import type { Cacher } from '../../../storage/cacher/cacher.js';
import type { RegistryStore } from '../../registry/generic/registry-store.js';
import { type ClusterRoleAggregation, startClusterRoleAggregation } from './aggregation.js';
import { type ReconcileReport, ensureBootstrapPolicy } from './bootstrap/reconcile.js';
import type { RbacAuthorizer } from './rbac-authorizer.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** What startRbac needs of the served resources (ServedResources fits). */
export interface RbacServedResources {
  get(group: string, resource: string): { cache: Cacher<KubeObject>; registry: RegistryStore };
}

export interface RbacStartOptions {
  log?: (msg: string, fields: Record<string, unknown>) => void;
}

export interface RunningRbac {
  /** What the bootstrap policy step created, completed or left alone. */
  bootstrap: ReconcileReport;
  aggregation: ClusterRoleAggregation;
  stop(): void;
}

export async function startRbac(authorizer: RbacAuthorizer, resources: RbacServedResources, opts: RbacStartOptions = {}): Promise<RunningRbac> {
  const served = (resource: string) => resources.get(RBAC_GROUP, resource);
  const log = opts.log;
  const synced = authorizer.follow(
    {
      roles: served('roles').cache,
      roleBindings: served('rolebindings').cache,
      clusterRoles: served('clusterroles').cache,
      clusterRoleBindings: served('clusterrolebindings').cache,
    },
    (err) => log?.('RBAC authorizer re-listing', { err: String(err) }),
  );
  let aggregation: ClusterRoleAggregation | null = null;
  try {
    const bootstrap = await ensureBootstrapPolicy({ clusterRoles: served('clusterroles').registry, clusterRoleBindings: served('clusterrolebindings').registry });
    aggregation = startClusterRoleAggregation({ cache: served('clusterroles').cache, registry: served('clusterroles').registry, log });
    await Promise.all([synced, aggregation.idle()]);
    const running = aggregation;
    return {
      bootstrap,
      aggregation: running,
      stop: () => {
        running.stop();
        authorizer.stop();
      },
    };
  } catch (err) {
    aggregation?.stop();
    authorizer.stop();
    throw err;
  }
}
