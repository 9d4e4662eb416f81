// Test helpers: an in-memory VolumeContext and a small pod factory.
import type { TokenRequest } from 'kubernetes-types/authentication/v1.js';
import type { ConfigMap, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Service } from 'kubernetes-types/core/v1.js';
import type { VolumeContext } from './resolve-context.js';

export interface FakeContextData {
  configMaps?: ConfigMap[];
  secrets?: Secret[];
  services?: Service[];
  pvcs?: PersistentVolumeClaim[];
  pvs?: PersistentVolume[];
  /** Answers token requests; absent: they fail like a server without the subresource. */
  token?: (namespace: string, serviceAccount: string, request: TokenRequest) => TokenRequest;
}

export interface FakeContext extends VolumeContext {
  data: FakeContextData;
  /** "kind ns/name" of every read, in order. */
  reads: string[];
}

const key = (o: { metadata?: { namespace?: string; name?: string } }): string => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

export function fakeContext(data: FakeContextData = {}): FakeContext {
  const reads: string[] = [];
  const find = <T extends { metadata?: { namespace?: string; name?: string } }>(list: T[] | undefined, ns: string, name: string): T | undefined =>
    structuredClone(list?.find((o) => key(o) === `${ns}/${name}`));
  return {
    data,
    reads,
    getConfigMap: async (ns, name) => (reads.push(`configmap ${ns}/${name}`), find(data.configMaps, ns, name)),
    getSecret: async (ns, name) => (reads.push(`secret ${ns}/${name}`), find(data.secrets, ns, name)),
    listServices: async (ns) => (reads.push(`services ${ns}`), (data.services ?? []).filter((s) => s.metadata?.namespace === ns)),
    getPersistentVolumeClaim: async (ns, name) => (reads.push(`pvc ${ns}/${name}`), find(data.pvcs, ns, name)),
    getPersistentVolume: async (name) => (reads.push(`pv ${name}`), find(data.pvs, '', name)),
    requestServiceAccountToken: async (ns, sa, request) => {
      reads.push(`token ${ns}/${sa}`);
      if (!data.token) throw Object.assign(new Error('the server could not find the requested resource'), { reason: 'NotFound' });
      return data.token(ns, sa, request);
    },
  };
}

export const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** A pod in "default" with one busybox container named "app"; `spec` fields are merged over that. */
export function testPod(spec: Partial<NonNullable<Pod['spec']>> = {}, meta: Partial<NonNullable<Pod['metadata']>> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: '11111111-2222-3333-4444-555555555555', ...meta },
    spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec },
  };
}
