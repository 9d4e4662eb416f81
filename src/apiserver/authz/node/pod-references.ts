// What a pod uses, as the Node authorizer's graph records it (Kubernetes' VisitPodSecretNames,
// VisitPodConfigmapNames and the pod's volumes): the secrets, config maps, claims and service
// account a node must read to run the pod.
import type { KubeObject } from '../../../apimachinery/meta.js';

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (typeof v === 'object' && v !== null ? (v as Rec) : {});
const arr = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export interface PodReferences {
  secrets: Set<string>;
  configMaps: Set<string>;
  claims: Set<string>;
  serviceAccount: string;
}

/** Secret references inside volume sources other than `secret` (credentials of storage drivers). */
const VOLUME_SECRET_REFS = ['csi.nodePublishSecretRef', 'cephfs.secretRef', 'rbd.secretRef', 'iscsi.secretRef', 'flexVolume.secretRef', 'scaleIO.secretRef', 'storageos.secretRef'];

export function podReferences(pod: KubeObject): PodReferences {
  const spec = rec(pod.spec);
  const refs: PodReferences = { secrets: new Set(), configMaps: new Set(), claims: new Set(), serviceAccount: str(spec.serviceAccountName) ?? 'default' };
  const add = (set: Set<string>, name: unknown): void => {
    const n = str(name);
    if (n) set.add(n);
  };
  for (const s of arr(spec.imagePullSecrets)) add(refs.secrets, s.name);
  for (const c of [...arr(spec.containers), ...arr(spec.initContainers), ...arr(spec.ephemeralContainers)]) {
    for (const e of arr(c.envFrom)) {
      add(refs.secrets, rec(e.secretRef).name);
      add(refs.configMaps, rec(e.configMapRef).name);
    }
    for (const e of arr(c.env)) {
      const from = rec(e.valueFrom);
      add(refs.secrets, rec(from.secretKeyRef).name);
      add(refs.configMaps, rec(from.configMapKeyRef).name);
    }
  }
  const podName = pod.metadata.name ?? '';
  for (const v of arr(spec.volumes)) {
    add(refs.secrets, rec(v.secret).secretName);
    add(refs.configMaps, rec(v.configMap).name);
    add(refs.secrets, rec(v.azureFile).secretName);
    for (const path of VOLUME_SECRET_REFS) {
      const [source, field] = path.split('.') as [string, string];
      add(refs.secrets, rec(rec(v[source])[field]).name);
    }
    for (const s of arr(rec(v.projected).sources)) {
      add(refs.secrets, rec(s.secret).name);
      add(refs.configMaps, rec(s.configMap).name);
    }
    add(refs.claims, rec(v.persistentVolumeClaim).claimName);
    // a generic ephemeral volume's claim is named <pod>-<volume>
    if (v.ephemeral && str(v.name)) refs.claims.add(`${podName}-${v.name as string}`);
  }
  return refs;
}
