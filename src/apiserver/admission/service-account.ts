// ServiceAccount admission (the pod part of Kubernetes' ServiceAccount plugin): a pod without a
// service account runs as "default", and a pod without imagePullSecrets gets its ServiceAccount's,
// so a registry credential attached once to the account reaches every pod that uses it.
// Unlike Kubernetes, a pod naming a ServiceAccount that does not exist (yet) is admitted unchanged
// rather than refused: kite's ServiceAccount controller creates "default" asynchronously and kite
// does not mount account tokens from here, so refusing would only add a start-up race.
import { StatusError } from '../../apimachinery/errors.js';
import type { ServedResource } from '../registry/served-resource.js';
import type { AdmissionPlugin } from './admission.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
/** Static (mirror) pods of a node may not use service accounts; they are left alone. */
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

interface LocalObjectReference { name?: string }
interface PodSpecPart { serviceAccountName?: string; serviceAccount?: string; imagePullSecrets?: LocalObjectReference[] }

export function serviceAccountAdmission(lookup: (group: string, resource: string) => ServedResource): AdmissionPlugin {
  return {
    name: 'ServiceAccount',
    mutate: async ({ operation, def, object, subresource, ctx }) => {
      if (operation !== 'CREATE' || def.group !== '' || def.resource !== 'pods' || subresource || !object) return;
      if (object.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return;
      const spec = (object.spec ??= {}) as PodSpecPart;
      spec.serviceAccountName ||= spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT;
      spec.serviceAccount = spec.serviceAccountName;
      if ((spec.imagePullSecrets?.length ?? 0) > 0) return;
      let account;
      try {
        account = await lookup('', 'serviceaccounts').registry.read(ctx.namespace, spec.serviceAccountName);
      } catch (err) {
        if (err instanceof StatusError && err.reason === 'NotFound') return;
        throw err;
      }
      const secrets = (account as { imagePullSecrets?: LocalObjectReference[] }).imagePullSecrets ?? [];
      if (secrets.length > 0) spec.imagePullSecrets = secrets.map((ref) => ({ ...ref }));
    },
  };
}
