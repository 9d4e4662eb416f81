// Admission: plugins that may change (mutate) or refuse (validate) a write after authorization
// and before storage. Mutating plugins run first, all of them, then validating ones.
import type { KubeObject } from '../../apimachinery/meta.js';
import type { RequestContext, ResourceDefinition } from '../registry/generic/resource.js';

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionAttributes {
  operation: AdmissionOperation;
  def: ResourceDefinition;
  /** The new object (null on DELETE); mutating plugins change it in place. */
  object: KubeObject | null;
  oldObject: KubeObject | null;
  ctx: RequestContext;
  subresource: string;
}

export interface AdmissionPlugin {
  readonly name: string;
  /** Throws a StatusError to refuse. */
  mutate?(attrs: AdmissionAttributes): Promise<void> | void;
  validate?(attrs: AdmissionAttributes): Promise<void> | void;
}

export class AdmissionChain {
  readonly #plugins: AdmissionPlugin[];
  constructor(plugins: AdmissionPlugin[] = []) {
    this.#plugins = plugins;
  }

  get pluginNames(): string[] {
    return this.#plugins.map((p) => p.name);
  }

  async admit(attrs: AdmissionAttributes): Promise<void> {
    for (const plugin of this.#plugins) if (plugin.mutate) await plugin.mutate(attrs);
    for (const plugin of this.#plugins) if (plugin.validate) await plugin.validate(attrs);
  }
}
