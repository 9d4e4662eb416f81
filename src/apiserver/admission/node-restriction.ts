// NodeRestriction (Kubernetes' plugin/pkg/admission/noderestriction): what a node's credential may
// write, judged on the objects themselves (the Node authorizer sees only the request's names).
// A node changes only its own Node (never the node-restriction.kubernetes.io/ labels), the status
// of pods bound to it, deletes only those pods, creates only mirror pods for itself, and writes
// only its own Lease.
import { forbiddenMessage } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/meta.js';
import { nodeIdentity } from '../authz/node/node-authorizer.js';
import type { AdmissionAttributes, AdmissionPlugin } from './admission.js';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const RESTRICTED_LABEL_PREFIX = 'node-restriction.kubernetes.io/';

const nodeNameOf = (pod: KubeObject | null): string => (pod?.spec as { nodeName?: string } | undefined)?.nodeName ?? '';

function restrictedLabels(obj: KubeObject | null): Record<string, string> {
  return Object.fromEntries(Object.entries(obj?.metadata.labels ?? {}).filter(([k]) => k.startsWith(RESTRICTED_LABEL_PREFIX) || k.split('/')[0]!.endsWith(`.${RESTRICTED_LABEL_PREFIX.slice(0, -1)}`)));
}

export function nodeRestriction(): AdmissionPlugin {
  return {
    name: 'NodeRestriction',
    validate(attrs: AdmissionAttributes) {
      const nodeName = nodeIdentity(attrs.ctx.user);
      if (nodeName === undefined) return;
      const { group, resource } = attrs.def;
      const name = attrs.object?.metadata.name ?? attrs.oldObject?.metadata.name ?? '';
      const refuse = (message: string): never => {
        throw forbiddenMessage({ group, resource }, name, message);
      };
      if (nodeName === '') refuse('could not determine node from user');
      const key = `${group}/${resource}`;
      if (key === '/pods') {
        if (attrs.subresource === 'status') {
          if (nodeNameOf(attrs.oldObject) !== nodeName) refuse(`node "${nodeName}" can only update pod status for pods with spec.nodeName set to itself`);
          return;
        }
        if (attrs.subresource !== '') return;
        if (attrs.operation === 'CREATE') {
          if (!attrs.object?.metadata.annotations?.[MIRROR_POD_ANNOTATION]) refuse(`pod does not have "${MIRROR_POD_ANNOTATION}" annotation, node "${nodeName}" can only create mirror pods`);
          if (nodeNameOf(attrs.object) !== nodeName) refuse(`node "${nodeName}" can only create pods with spec.nodeName set to itself`);
          return;
        }
        if (attrs.operation === 'DELETE') {
          if (nodeNameOf(attrs.oldObject) !== nodeName) refuse(`node "${nodeName}" can only delete pods with spec.nodeName set to itself`);
          return;
        }
        refuse(`unexpected operation "${attrs.operation}", node "${nodeName}" can only create and delete mirror pods`);
      }
      if (key === '/nodes') {
        if (name !== nodeName) refuse(`node "${nodeName}" is not allowed to modify node "${name}"`);
        const before = JSON.stringify(restrictedLabels(attrs.oldObject));
        const after = JSON.stringify(restrictedLabels(attrs.object));
        if (attrs.operation !== 'DELETE' && before !== after) {
          refuse(`node "${nodeName}" is not allowed to modify labels: ${Object.keys({ ...restrictedLabels(attrs.oldObject), ...restrictedLabels(attrs.object) }).sort().join(', ')}`);
        }
        return;
      }
      if (key === 'coordination.k8s.io/leases') {
        if (attrs.ctx.namespace !== 'kube-node-lease') refuse('can only access leases in the kube-node-lease namespace');
        if (name !== nodeName) refuse(`can only access node lease with the same name as the requesting node`);
      }
    },
  };
}
