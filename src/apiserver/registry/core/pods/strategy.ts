// Pods: spec fixed at creation (see pod-update.ts), status written by the node's agent through
// /status, phase Pending and the QoS class set by the apiserver on create.
import { ErrorList, root } from '../../../../apimachinery/field.js';
import type { RequestContext, Strategy } from '../../generic/resource.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import { validatePodStatusUpdate, validatePodUpdate } from './pod-update.js';
import { defaultPod } from './podspec-defaults.js';
import { validatePodSpec } from './podspec-validation.js';
import { computeQOS } from './qos.js';
import type { Pod } from './types.js';

/** Objects being bound by pods/binding: the only writer allowed to set spec.nodeName on a pod. */
export const bindingInProgress = new WeakSet<Pod>();

const validate = (pod: Pod): ErrorList => {
  const errs = new ErrorList();
  if (!pod.spec || typeof pod.spec !== 'object') return errs.required(root('spec'));
  return errs.add(validatePodSpec(pod.spec, root('spec')));
};

const { strategy, statusStrategy } = specStatusStrategy<Pod>({
  tracksGeneration: false,
  defaults: defaultPod,
  validate,
  validateUpdate: (pod, old) => {
    if (bindingInProgress.has(pod)) {
      // Binding sets nodeName on an unbound pod; everything else follows the usual rules.
      return validatePodUpdate(pod, { ...old, spec: { ...old.spec!, nodeName: pod.spec?.nodeName } });
    }
    return validatePodUpdate(pod, old);
  },
  validateStatusUpdate: validatePodStatusUpdate,
});

/** A new pod waits to be scheduled: phase Pending, its QoS class fixed now (and gated if it has gates). */
function initialStatus(pod: Pod): void {
  pod.status = { phase: 'Pending', qosClass: computeQOS(pod) };
  if ((pod.spec?.schedulingGates ?? []).length > 0) {
    pod.status.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated', message: 'Scheduling is blocked due to non-empty scheduling gates' }];
  }
}

export const podStrategy: Strategy<Pod> = {
  ...strategy,
  prepareForCreate: (pod: Pod, ctx: RequestContext) => {
    strategy.prepareForCreate(pod, ctx);
    initialStatus(pod);
  },
  prepareForUpdate: (pod: Pod, old: Pod, ctx: RequestContext) => {
    // A binding also records the PodScheduled condition; any other spec write keeps the status.
    const bindingStatus = bindingInProgress.has(pod) ? pod.status : undefined;
    strategy.prepareForUpdate(pod, old, ctx);
    if (bindingStatus) pod.status = bindingStatus;
  },
};

export const podStatusStrategy: Strategy<Pod> = {
  ...statusStrategy,
  prepareForUpdate: (pod: Pod, old: Pod, ctx: RequestContext) => {
    statusStrategy.prepareForUpdate(pod, old, ctx);
    // The QoS class is the apiserver's; old kubelets dropped it, so it is backfilled.
    if (pod.status && !pod.status.qosClass && old.status?.qosClass) pod.status.qosClass = old.status.qosClass;
  },
};
