// pods/binding (the scheduler's POST of a v1 Binding sets spec.nodeName once) and pods/eviction
// (a policy/v1 Eviction deletes the pod gracefully). Registered in the subresource handler map.
import { badRequest, conflict, methodNotAllowed } from '../../../../apimachinery/errors.js';
import { ErrorList, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { type HandlerContext, requestContext } from '../../../handlers/context.js';
import { subresourceHandlers } from '../../../handlers/resource.js';
import { decodeObjectBody, readBody } from '../../../http/body.js';
import { successStatus, writeJson } from '../../../http/response.js';
import { deleteObject, parseDeleteOptions } from '../../generic/delete.js';
import { rfc3339Now } from '../../generic/registry-store.js';
import { podGracePeriod } from './storage.js';
import { bindingInProgress } from './strategy.js';
import type { Pod, PodCondition } from './types.js';

interface Binding {
  metadata?: { name?: string; namespace?: string; uid?: string; resourceVersion?: string; annotations?: Record<string, string> };
  target?: { kind?: string; name?: string };
}

interface Eviction {
  metadata?: { name?: string; namespace?: string };
  deleteOptions?: Record<string, unknown>;
}

const bindingResource = { group: '', resource: 'pods/binding' };
const created = { ...successStatus(), code: 201 };

async function readNamedBody<T extends { metadata?: { name?: string; namespace?: string } }>(ctx: HandlerContext, kind: string): Promise<T> {
  if (ctx.info.verb !== 'create') throw methodNotAllowed(`${ctx.info.verb} is not supported on pods/${ctx.info.subresource}`);
  const body = decodeObjectBody(await readBody(ctx.req), ctx.req.headers['content-type']) as T;
  const meta = (body.metadata ??= {});
  meta.name ||= ctx.info.name;
  if (meta.name !== ctx.info.name) throw badRequest(`name in URL does not match name in ${kind} object`);
  if (meta.namespace && meta.namespace !== ctx.info.namespace) throw badRequest(`namespace in URL does not match namespace in ${kind} object`);
  return body;
}

function setCondition(pod: Pod, condition: PodCondition): void {
  const status = (pod.status ??= {});
  const conditions = (status.conditions ??= []);
  const existing = conditions.find((c) => c.type === condition.type);
  if (!existing) conditions.push({ ...condition, lastTransitionTime: rfc3339Now() });
  else {
    if (existing.status !== condition.status) existing.lastTransitionTime = rfc3339Now();
    Object.assign(existing, condition);
  }
}

export async function handleBinding(ctx: HandlerContext): Promise<void> {
  const binding = await readNamedBody<Binding>(ctx, 'Binding');
  const name = ctx.info.name;
  const errs = new ErrorList();
  const target = binding.target ?? {};
  if (target.kind && target.kind !== 'Node') errs.notSupported(root('target', 'kind'), target.kind, ['Node', '<empty>']);
  if (!target.name) errs.required(root('target', 'name'));
  if (!errs.isEmpty()) throw errs.toStatusError('Binding', '', name);
  await ctx.served.registry.update(
    requestContext(ctx),
    name,
    (current: KubeObject | null) => {
      const pod = current as Pod;
      const wanted = binding.metadata?.resourceVersion;
      if (wanted && wanted !== pod.metadata.resourceVersion) {
        throw conflict(bindingResource, name, `Precondition failed: ResourceVersion in precondition: ${wanted}, ResourceVersion in meta: ${pod.metadata.resourceVersion}`);
      }
      if (pod.metadata.deletionTimestamp) throw conflict(bindingResource, name, `pod ${name} is being deleted, cannot be assigned to a host`);
      if (pod.spec?.nodeName) throw conflict(bindingResource, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
      if ((pod.spec?.schedulingGates ?? []).length > 0) throw conflict(bindingResource, name, `pod ${name} has non-empty .spec.schedulingGates`);
      pod.spec!.nodeName = target.name;
      const annotations = binding.metadata?.annotations ?? {};
      if (Object.keys(annotations).length > 0) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...annotations };
      setCondition(pod, { type: 'PodScheduled', status: 'True' });
      bindingInProgress.add(pod);
      return pod;
    },
    { subresource: 'binding', retryOnConflict: true, preconditionUid: binding.metadata?.uid || undefined },
  );
  writeJson(ctx.res, 201, created);
}

/** Evicts by deleting the pod (PodDisruptionBudgets are not consulted yet). */
export async function handleEviction(ctx: HandlerContext): Promise<void> {
  const eviction = await readNamedBody<Eviction>(ctx, 'Eviction');
  const opts = parseDeleteOptions(eviction.deleteOptions ?? null, new URLSearchParams());
  const rctx = requestContext(ctx, ctx.url.searchParams.getAll('dryRun').includes('All') || (opts.dryRun ?? []).includes('All'));
  await deleteObject(ctx.served.registry, rctx, ctx.info.name, opts, ctx.served.gracePeriod ?? podGracePeriod);
  writeJson(ctx.res, 201, created);
}

/** Installs pods/binding and pods/eviction in the subresource handler map (called once at startup). */
export function registerPodSubresources(): void {
  subresourceHandlers.set('pods/binding', handleBinding);
  subresourceHandlers.set('pods/eviction', handleEviction);
}
