// Building blocks for resource strategies: the two shapes almost every Kubernetes resource has
// (plain data like ConfigMap; spec + status like Deployment), parameterised by validation.
import { ErrorList } from '../../../apimachinery/field.js';
import type { KubeObject } from '../../../apimachinery/meta.js';
import type { RequestContext, Strategy } from './resource.js';

type Validate<T> = (obj: T, ctx: RequestContext) => ErrorList;
type ValidateUpdate<T> = (obj: T, old: T, ctx: RequestContext) => ErrorList;

export interface StrategyOptions<T extends KubeObject> {
  /** Fills in Kubernetes' defaults (applied on create and on update, as defaulting does on decode). */
  defaults?: (obj: T) => void;
  validate?: Validate<T>;
  /** Immutability checks etc.; the create validation runs on updates too. */
  validateUpdate?: ValidateUpdate<T>;
  allowCreateOnUpdate?: boolean;
  allowUnconditionalUpdate?: boolean;
  warnings?: (obj: T, old: T | undefined) => string[];
}

const noErrors = (): ErrorList => new ErrorList();

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Objects without status (ConfigMap, Secret, RBAC, ...). */
export function plainStrategy<T extends KubeObject>(opts: StrategyOptions<T> = {}): Strategy<T> {
  const validate = opts.validate ?? noErrors;
  return {
    prepareForCreate: (obj) => opts.defaults?.(obj),
    prepareForUpdate: (obj) => opts.defaults?.(obj),
    validate,
    validateUpdate: (obj, old, ctx) => new ErrorList(validate(obj, ctx)).add(opts.validateUpdate?.(obj, old, ctx) ?? []),
    warnings: opts.warnings,
    allowCreateOnUpdate: opts.allowCreateOnUpdate ?? false,
    allowUnconditionalUpdate: opts.allowUnconditionalUpdate ?? true,
  };
}

export interface SpecStatusOptions<T extends KubeObject> extends StrategyOptions<T> {
  /** The fields that make up "spec" for generation bumps (default ["spec"]). */
  specFields?: string[];
  /** Whether metadata.generation is tracked (workloads: yes). */
  tracksGeneration?: boolean;
  /** Validation of a status update (default: none beyond metadata). */
  validateStatusUpdate?: ValidateUpdate<T>;
}

type Fields = Record<string, unknown>;

/**
 * Objects with spec and status (Deployment, Pod, Node, ...): status is cleared on create and kept
 * on spec updates; /status keeps the spec and user metadata; generation moves with the spec.
 */
export function specStatusStrategy<T extends KubeObject>(opts: SpecStatusOptions<T> = {}): { strategy: Strategy<T>; statusStrategy: Strategy<T> } {
  const specFields = opts.specFields ?? ['spec'];
  const tracksGeneration = opts.tracksGeneration ?? true;
  const validate = opts.validate ?? noErrors;
  const strategy: Strategy<T> = {
    prepareForCreate: (obj) => {
      delete (obj as Fields).status;
      if (tracksGeneration) obj.metadata.generation = 1;
      opts.defaults?.(obj);
    },
    prepareForUpdate: (obj, old) => {
      const o = obj as Fields;
      if ((old as Fields).status !== undefined) o.status = (old as Fields).status;
      else delete o.status;
      opts.defaults?.(obj);
      if (tracksGeneration) {
        const changed = specFields.some((f) => !same(o[f], (old as Fields)[f]));
        obj.metadata.generation = (old.metadata.generation ?? 1) + (changed ? 1 : 0);
        // A deletion that starts bumps the generation too, as Kubernetes does.
        if (!old.metadata.deletionTimestamp && obj.metadata.deletionTimestamp) obj.metadata.generation += changed ? 0 : 1;
      }
    },
    validate,
    validateUpdate: (obj, old, ctx) => new ErrorList(validate(obj, ctx)).add(opts.validateUpdate?.(obj, old, ctx) ?? []),
    warnings: opts.warnings,
    allowCreateOnUpdate: opts.allowCreateOnUpdate ?? false,
    allowUnconditionalUpdate: opts.allowUnconditionalUpdate ?? true,
  };
  const statusStrategy: Strategy<T> = {
    ...strategy,
    prepareForUpdate: (obj, old) => {
      const o = obj as Fields;
      for (const f of specFields) {
        if ((old as Fields)[f] !== undefined) o[f] = (old as Fields)[f];
        else delete o[f];
      }
      // Status writes may not change user metadata (Kubernetes' ResetObjectMetaForStatus).
      const meta = obj.metadata;
      const oldMeta = old.metadata;
      for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
        if (oldMeta[k] !== undefined) (meta as Fields)[k] = oldMeta[k];
        else delete meta[k];
      }
      if (tracksGeneration) meta.generation = oldMeta.generation;
    },
    validateUpdate: (obj, old, ctx) => opts.validateStatusUpdate?.(obj, old, ctx) ?? new ErrorList(),
  };
  return { strategy, statusStrategy };
}
