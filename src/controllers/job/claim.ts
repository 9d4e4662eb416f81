// Which pods a Job manages (getPodsForJob with ControllerRefManager.ClaimPods): pods it controls
// and still selects; orphans it selects are adopted (owner reference + tracking finalizer);
// pods it controls but no longer selects are released.
import { labelSelectorAsSelector } from '../../apimachinery/label-selector.js';
import { isNotFound } from '../../client/errors.js';
import { JOBS } from '../../client/resources.js';
import type { JobSyncDeps } from './deps.js';
import { hasTrackingFinalizer } from './pod-util.js';
import { JOB_TRACKING_FINALIZER, type Job, type Pod } from './types.js';

const controllerOf = (p: Pod) => (p.metadata?.ownerReferences ?? []).find((r) => r.controller === true);

export async function claimPods(deps: JobSyncDeps, job: Job): Promise<Pod[]> {
  const ns = job.metadata?.namespace ?? '';
  const uid = job.metadata?.uid ?? '';
  const selector = labelSelectorAsSelector(job.spec?.selector);
  const claimed: Pod[] = [];
  let canAdopt: boolean | undefined;
  // Adoption needs a fresh read: the cached Job may be deleted already (kubernetes#42639).
  const checkCanAdopt = async (): Promise<boolean> => {
    if (canAdopt !== undefined) return canAdopt;
    try {
      const fresh = await deps.client.get<Job>(JOBS, ns, job.metadata?.name ?? '');
      canAdopt = fresh.metadata?.uid === uid && !fresh.metadata?.deletionTimestamp;
    } catch (err) {
      if (!isNotFound(err)) throw err;
      canAdopt = false;
    }
    return canAdopt;
  };

  for (const pod of deps.pods.namespace(ns).list()) {
    const ref = controllerOf(pod);
    const matches = selector.matches(pod.metadata?.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) {
        claimed.push(pod);
      } else if (!job.metadata?.deletionTimestamp) {
        await release(deps, pod, uid);
      }
      continue;
    }
    if (!matches || job.metadata?.deletionTimestamp || pod.metadata?.deletionTimestamp) continue;
    if (!(await checkCanAdopt())) continue;
    if (await adopt(deps, job, pod)) {
      const adopted = structuredClone(pod);
      adopted.metadata!.finalizers = [...(adopted.metadata?.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER), JOB_TRACKING_FINALIZER];
      claimed.push(adopted);
    }
  }
  return claimed;
}

async function adopt(deps: JobSyncDeps, job: Job, pod: Pod): Promise<boolean> {
  const owner = { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata?.name ?? '', uid: job.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
  const patch = {
    metadata: {
      ownerReferences: [owner],
      uid: pod.metadata?.uid,
      ...(hasTrackingFinalizer(pod) ? {} : { finalizers: [JOB_TRACKING_FINALIZER] }),
    },
  };
  try {
    await deps.podControl.patchPod(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', patch);
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

async function release(deps: JobSyncDeps, pod: Pod, ownerUid: string): Promise<void> {
  const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: pod.metadata?.uid } };
  try {
    await deps.podControl.patchPod(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', patch);
  } catch (err) {
    // Gone or already changed: nothing left to release.
    if (!isNotFound(err)) throw err;
  }
}
