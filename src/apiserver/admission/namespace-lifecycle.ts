// NamespaceLifecycle: no objects in a namespace that does not exist or is being deleted, and
// the system namespaces cannot be deleted.
import { StatusError, forbiddenMessage, notFound } from '../../apimachinery/errors.js';
import type { ServedResource } from '../registry/served-resource.js';
import type { AdmissionPlugin } from './admission.js';

const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export function namespaceLifecycle(lookup: (group: string, resource: string) => ServedResource): AdmissionPlugin {
  return {
    name: 'NamespaceLifecycle',
    validate: async ({ operation, def, ctx, oldObject }) => {
      if (def.resource === 'namespaces') {
        if (operation === 'DELETE' && IMMORTAL_NAMESPACES.has(oldObject?.metadata.name ?? '')) {
          throw forbiddenMessage({ group: '', resource: 'namespaces' }, oldObject?.metadata.name ?? '', 'this namespace may not be deleted');
        }
        return;
      }
      if (!def.namespaced || operation !== 'CREATE') return;
      let ns;
      try {
        ns = await lookup('', 'namespaces').registry.read('', ctx.namespace);
      } catch (err) {
        if (err instanceof StatusError && err.reason === 'NotFound') throw notFound({ group: '', resource: 'namespaces' }, ctx.namespace);
        throw err;
      }
      if (ns.metadata.deletionTimestamp) {
        throw forbiddenMessage(
          { group: def.group, resource: def.resource },
          '',
          `unable to create new content in namespace ${ctx.namespace} because it is being terminated`,
        );
      }
    },
  };
}
