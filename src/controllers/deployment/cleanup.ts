// revisionHistoryLimit: old ReplicaSets beyond it are deleted once scaled to zero (sync.go cleanupDeployment).
import { isNotFound } from '../../client/errors.js';
import { REPLICASETS } from '../../client/resources.js';
import type { SyncContext } from './context.js';
import { replicaSetsToCleanUp } from './revisions.js';
import type { Deployment, ReplicaSet } from './types.js';

export async function cleanupDeployment(ctx: SyncContext, oldRSs: ReplicaSet[], d: Deployment): Promise<void> {
  for (const rs of replicaSetsToCleanUp(d, oldRSs)) {
    try {
      await ctx.client.delete(REPLICASETS, rs.metadata?.namespace, rs.metadata?.name ?? '');
    } catch (err) {
      // Stop at the first real failure rather than hammer an API server in trouble.
      if (!isNotFound(err)) throw err;
    }
  }
}
