// ServiceAccount admission (the pod part of Kubernetes' ServiceAccount plugin): a pod without a
// service account runs as "default"; a pod without imagePullSecrets gets its ServiceAccount's, so
// a registry credential attached once to the account reaches every pod that uses it; and unless
// the pod or its account opts out (automountServiceAccountToken: false), every container gets the
// account's credentials at /var/run/secrets/kubernetes.io/serviceaccount: a projected volume
// "kube-api-access-xxxxx" with a bound, expiring token (TokenRequest), the cluster CA
// (ConfigMap kube-root-ca.crt) and the namespace.
// Unlike Kubernetes, a pod naming a ServiceAccount that does not exist (yet) is admitted rather
// than refused: kite's ServiceAccount controller creates "default" asynchronously, and the agent
// retries the token until the account exists.
import { randomInt } from 'node:crypto';
import { StatusError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/meta.js';
import type { ServedResource } from '../registry/served-resource.js';
import type { AdmissionPlugin } from './admission.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const API_ACCESS_VOLUME_PREFIX = 'kube-api-access-';
/** A token a little over an hour: the agent refreshes it at 80% of its life, as the kubelet does. */
const TOKEN_EXPIRATION_SECONDS = 3607;
/** Static (mirror) pods of a node may not use service accounts; they are left alone. */
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/** The alphabet of Kubernetes' random name suffixes (no vowels, no look-alike digits). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

interface LocalObjectReference { name?: string }
interface VolumeMount { name: string; mountPath: string; readOnly?: boolean }
interface Container { volumeMounts?: VolumeMount[] }
interface ServiceAccount extends KubeObject {
  imagePullSecrets?: LocalObjectReference[];
  automountServiceAccountToken?: boolean;
}
interface PodSpecPart {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: LocalObjectReference[];
  volumes?: { name: string; [source: string]: unknown }[];
  containers?: Container[];
  initContainers?: Container[];
}

export function serviceAccountAdmission(lookup: (group: string, resource: string) => ServedResource): AdmissionPlugin {
  const readAccount = async (namespace: string, name: string): Promise<ServiceAccount | undefined> => {
    try {
      return (await lookup('', 'serviceaccounts').registry.read(namespace, name)) as ServiceAccount;
    } catch (err) {
      if (err instanceof StatusError && err.reason === 'NotFound') return undefined;
      throw err;
    }
  };
  return {
    name: 'ServiceAccount',
    mutate: async ({ operation, def, object, subresource, ctx }) => {
      if (operation !== 'CREATE' || def.group !== '' || def.resource !== 'pods' || subresource || !object) return;
      if (object.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return;
      const spec = (object.spec ??= {}) as PodSpecPart;
      spec.serviceAccountName ||= spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT;
      spec.serviceAccount = spec.serviceAccountName;
      const needsSecrets = (spec.imagePullSecrets?.length ?? 0) === 0;
      const mayMount = spec.automountServiceAccountToken !== false;
      const account = needsSecrets || (mayMount && spec.automountServiceAccountToken === undefined)
        ? await readAccount(ctx.namespace, spec.serviceAccountName)
        : undefined;
      if (needsSecrets && (account?.imagePullSecrets?.length ?? 0) > 0) {
        spec.imagePullSecrets = account!.imagePullSecrets!.map((ref) => ({ ...ref }));
      }
      const mount = spec.automountServiceAccountToken ?? account?.automountServiceAccountToken ?? true;
      if (mount) mountApiAccess(spec);
    },
  };
}

/** Adds the kube-api-access volume and mounts it read-only in every container that has nothing there. */
function mountApiAccess(spec: PodSpecPart): void {
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  const needing = containers.filter((c) => !(c.volumeMounts ?? []).some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH));
  if (needing.length === 0) return;
  const volumes = (spec.volumes ??= []);
  let volume = volumes.find((v) => v.name.startsWith(API_ACCESS_VOLUME_PREFIX) && v.projected !== undefined);
  if (!volume) {
    const taken = new Set(volumes.map((v) => v.name));
    let name: string;
    do name = API_ACCESS_VOLUME_PREFIX + randomSuffix(5);
    while (taken.has(name));
    volume = { name, projected: apiAccessProjection() };
    volumes.push(volume);
  }
  for (const c of needing) (c.volumeMounts ??= []).push({ name: volume.name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH });
}

function apiAccessProjection(): Record<string, unknown> {
  return {
    sources: [
      { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
    defaultMode: 0o644,
  };
}

function randomSuffix(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return out;
}
