// DefaultTolerationSeconds: every pod tolerates a not-ready or unreachable node for 300 s before
// the node lifecycle controller evicts it, unless the pod says otherwise.
import type { AdmissionPlugin } from './admission.js';

export const DEFAULT_TOLERATION_SECONDS = 300;
const TAINTS = ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'];

interface Toleration {
  key?: string;
  operator?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export function defaultTolerationSeconds(seconds = DEFAULT_TOLERATION_SECONDS): AdmissionPlugin {
  return {
    name: 'DefaultTolerationSeconds',
    mutate: ({ operation, def, object, subresource }) => {
      if (operation !== 'CREATE' || def.group !== '' || def.resource !== 'pods' || subresource || !object) return;
      const spec = (object.spec ??= {}) as { tolerations?: Toleration[] };
      const tolerations = (spec.tolerations ??= []);
      for (const key of TAINTS) {
        // A toleration of this taint's NoExecute effect (or of every effect) is the pod's own choice.
        const covered = tolerations.some((t) => (t.key === key || (t.key ?? '') === '' && t.operator === 'Exists') && (t.effect === 'NoExecute' || (t.effect ?? '') === ''));
        if (!covered) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds });
      }
    },
  };
}
