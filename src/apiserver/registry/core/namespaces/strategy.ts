// Namespaces: cluster-scoped, spec.finalizers ["kubernetes"] until the namespace controller has
// emptied them, status.phase Active or Terminating.
import { ErrorList, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import type { Strategy } from '../../generic/resource.js';
import { specStatusStrategy } from '../../generic/strategies.js';

export const FINALIZER_KUBERNETES = 'kubernetes';

export interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: 'Active' | 'Terminating'; conditions?: unknown[] };
}

const defaults = (ns: Namespace): void => {
  ns.spec ??= {};
  ns.spec.finalizers ??= [FINALIZER_KUBERNETES];
  // Kubernetes labels every namespace with its own name (immutable, for namespaceSelectors).
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
};

const validate = (ns: Namespace): ErrorList => {
  const errs = new ErrorList();
  const finalizers = ns.spec?.finalizers ?? [];
  finalizers.forEach((f, i) => {
    if (typeof f !== 'string' || f === '') errs.required(root('spec', 'finalizers').index(i));
  });
  return errs;
};

const { strategy, statusStrategy } = specStatusStrategy<Namespace>({
  tracksGeneration: false,
  defaults,
  validate,
  validateUpdate: (ns, old) => {
    const errs = new ErrorList();
    // Finalizers are removed through /finalize, never re-added once deletion started.
    if (old.metadata.deletionTimestamp && (ns.spec?.finalizers ?? []).length > (old.spec?.finalizers ?? []).length) {
      errs.forbidden(root('spec', 'finalizers'), 'may not add finalizers to a namespace that is being deleted');
    }
    return errs;
  },
});

export const namespaceStrategy = {
  ...strategy,
  prepareForCreate: (ns: Namespace, ctx: Parameters<typeof strategy.prepareForCreate>[1]) => {
    strategy.prepareForCreate(ns, ctx);
    ns.status = { phase: 'Active' };
  },
  // spec.finalizers change only through /finalize, as in Kubernetes.
  prepareForUpdate: (ns: Namespace, old: Namespace, ctx: Parameters<typeof strategy.prepareForUpdate>[2]) => {
    strategy.prepareForUpdate(ns, old, ctx);
    ns.spec = { ...(ns.spec ?? {}), finalizers: old.spec?.finalizers ?? [] };
  },
};

export const namespaceStatusStrategy = statusStrategy;

/** /finalize: only spec.finalizers may change. */
export const namespaceFinalizeStrategy: Strategy<Namespace> = {
  ...strategy,
  prepareForUpdate: (ns: Namespace, old: Namespace) => {
    const finalizers = ns.spec?.finalizers;
    Object.assign(ns, structuredClone({ ...old, metadata: ns.metadata }));
    ns.spec = { ...(old.spec ?? {}), finalizers: finalizers ?? [] };
  },
};
