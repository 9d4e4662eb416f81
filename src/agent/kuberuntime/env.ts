// The container's environment (kubelet makeEnvironmentVariables): envFrom first (prefixes,
// invalid names skipped with an event), then env in order ($(VAR) expansion over what is defined
// so far and the service variables; configMap/secret keys, downward API fields, resources), then
// the service variables not already defined. Failures carry the kubelet's messages.
import type { ConfigMap, Container, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { isEnvVarName } from '../../apimachinery/names.js';
import { CreateContainerConfigError, type RecordPodEvent } from './errors.js';
import { expand, mappingFor } from './expansion.js';
import { containerResourceValue, type NodeAllocatable, podFieldSelectorValue, type PodRuntimeFacts } from './fieldpath.js';
import type { ResolveContext } from './resolve-context.js';
import { podServiceEnv } from './service-env.js';

export interface EnvOptions extends PodRuntimeFacts {
  context: ResolveContext;
  nodeAllocatable?: NodeAllocatable;
  recordEvent?: RecordPodEvent;
}

const decodeSecret = (secret: Secret): Record<string, string> =>
  Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));

/** Caches each ConfigMap/Secret for one container build, turning "not found" into the kubelet's error. */
class Sources {
  readonly #configMaps = new Map<string, ConfigMap | undefined>();
  readonly #secrets = new Map<string, Record<string, string> | undefined>();
  constructor(readonly ctx: ResolveContext, readonly namespace: string) {}

  /** The ConfigMap's data, or undefined when it is missing and optional. */
  async configMap(name: string, optional: boolean): Promise<Record<string, string> | undefined> {
    if (!this.#configMaps.has(name)) this.#configMaps.set(name, await this.ctx.getConfigMap(this.namespace, name));
    const cm = this.#configMaps.get(name);
    if (!cm) {
      if (optional) return undefined;
      throw new CreateContainerConfigError(`configmap "${name}" not found`);
    }
    return cm.data ?? {};
  }

  async secret(name: string, optional: boolean): Promise<Record<string, string> | undefined> {
    if (!this.#secrets.has(name)) {
      const s = await this.ctx.getSecret(this.namespace, name);
      this.#secrets.set(name, s ? decodeSecret(s) : undefined);
    }
    const data = this.#secrets.get(name);
    if (!data) {
      if (optional) return undefined;
      throw new CreateContainerConfigError(`secret "${name}" not found`);
    }
    return data;
  }
}

const wrap = (err: unknown): CreateContainerConfigError =>
  err instanceof CreateContainerConfigError ? err : new CreateContainerConfigError(err instanceof Error ? err.message : String(err));

/** The environment as an ordered map (name -> value). Throws CreateContainerConfigError. */
export async function containerEnv(pod: Pod, container: Container, opts: EnvOptions): Promise<Map<string, string>> {
  const ns = pod.metadata?.namespace ?? 'default';
  const sources = new Sources(opts.context, ns);
  const serviceEnv = await podServiceEnv(pod, opts.context);
  const env = new Map<string, string>();

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let data: Record<string, string> | undefined;
    let what: string;
    if (from.configMapRef) {
      data = await sources.configMap(from.configMapRef.name ?? '', from.configMapRef.optional === true);
      what = `configMap ${ns}/${from.configMapRef.name ?? ''}`;
    } else if (from.secretRef) {
      data = await sources.secret(from.secretRef.name ?? '', from.secretRef.optional === true);
      what = `secret ${ns}/${from.secretRef.name ?? ''}`;
    } else continue;
    if (!data) continue;
    const invalid: string[] = [];
    for (const [key, value] of Object.entries(data)) {
      const name = prefix + key;
      if (isEnvVarName(name).length) invalid.push(name);
      else env.set(name, value);
    }
    if (invalid.length) {
      opts.recordEvent?.({
        type: 'Warning', reason: 'InvalidEnvironmentVariableNames',
        message: `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${what} were skipped since they are considered invalid environment variable names.`,
      });
    }
  }

  const mapping = mappingFor(env, serviceEnv);
  for (const ev of container.env ?? []) {
    let value = ev.value ?? '';
    const from = ev.valueFrom;
    if (value !== '') {
      value = expand(value, mapping);
    } else if (from?.fieldRef) {
      try {
        value = podFieldSelectorValue(from.fieldRef, pod, opts);
      } catch (err) {
        throw wrap(err);
      }
    } else if (from?.resourceFieldRef) {
      const target = from.resourceFieldRef.containerName
        ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === from.resourceFieldRef?.containerName)
        : container;
      if (!target) throw new CreateContainerConfigError(`container ${from.resourceFieldRef.containerName} not found`);
      try {
        value = containerResourceValue(from.resourceFieldRef, target, opts.nodeAllocatable);
      } catch (err) {
        throw wrap(err);
      }
    } else if (from?.configMapKeyRef) {
      const ref = from.configMapKeyRef;
      const optional = ref.optional === true;
      const data = await sources.configMap(ref.name ?? '', optional);
      if (!data) continue;
      if (!(ref.key in data)) {
        if (optional) continue;
        throw new CreateContainerConfigError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name ?? ''}`);
      }
      value = data[ref.key] as string;
    } else if (from?.secretKeyRef) {
      const ref = from.secretKeyRef;
      const optional = ref.optional === true;
      const data = await sources.secret(ref.name ?? '', optional);
      if (!data) continue;
      if (!(ref.key in data)) {
        if (optional) continue;
        throw new CreateContainerConfigError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name ?? ''}`);
      }
      value = data[ref.key] as string;
    }
    env.set(ev.name, value);
  }

  for (const [name, value] of serviceEnv) if (!env.has(name)) env.set(name, value);
  return env;
}
