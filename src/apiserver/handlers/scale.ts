// The /scale subresource: an autoscaling/v1 Scale view of spec.replicas, status.replicas and
// the selector, read and written through the owning object.
import { badRequest, methodNotAllowed } from '../../apimachinery/errors.js';
import { selectorToString } from '../../apimachinery/labels.js';
import type { KubeObject } from '../../apimachinery/meta.js';
import { decodeObjectBody, mediaType, parseJson, readBody } from '../http/body.js';
import { writeJson } from '../http/response.js';
import { applyPatch, type PatchType } from '../patch/apply-patch.js';
import type { ScaleSubresource } from '../registry/generic/resource.js';
import { type HandlerContext, defaultFieldManager, parseFieldManager, requestContext } from './context.js';
import { updateManagedFields } from '../patch/managed-fields.js';

const getPath = (obj: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);

function setPath(obj: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) {
    if (typeof o[k] !== 'object' || o[k] === null) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1]] = value;
}

export function toScale(obj: KubeObject, scale: ScaleSubresource): KubeObject {
  const selector = scale.labelSelectorPath ? getPath(obj, scale.labelSelectorPath) : undefined;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: Number(getPath(obj, scale.specReplicasPath) ?? 0) },
    status: {
      replicas: Number(getPath(obj, scale.statusReplicasPath) ?? 0),
      ...(selector && typeof selector === 'object' ? { selector: selectorToString(selector) } : {}),
    },
  } as KubeObject;
}

const patchTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
};

export async function handleScale(ctx: HandlerContext): Promise<void> {
  const { served, info } = ctx;
  const scale = served.def.scale!;
  if (info.verb === 'get') {
    writeJson(ctx.res, 200, toScale(await served.registry.get(info.namespace, info.name), scale));
    return;
  }
  if (info.verb !== 'update' && info.verb !== 'patch') throw methodNotAllowed(`${info.verb} is not supported on ${served.def.resource}/scale`);
  const body = await readBody(ctx.req);
  const manager = parseFieldManager(ctx.url.searchParams, defaultFieldManager(ctx.req));
  let desiredScale: (current: KubeObject) => Promise<KubeObject>;
  if (info.verb === 'update') {
    const requested = decodeObjectBody(body, ctx.req.headers['content-type']) as unknown as KubeObject;
    desiredScale = async () => requested;
  } else {
    const type = patchTypes[mediaType(ctx.req.headers['content-type'])];
    if (!type) throw badRequest(`unsupported patch type for scale: ${mediaType(ctx.req.headers['content-type'])}`);
    const patch = parseJson(body.toString('utf8'));
    desiredScale = async (current) =>
      applyPatch({ type, current, patch, def: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, manager: '', force: false, apiVersion: 'autoscaling/v1', namespace: info.namespace, name: info.name });
  }
  const { object } = await served.registry.update(
    requestContext(ctx),
    info.name,
    async (current) => {
      if (!current) throw badRequest('scale requires an existing object');
      const wanted = await desiredScale(toScale(current, scale));
      const replicas = (wanted.spec as { replicas?: unknown } | undefined)?.replicas;
      if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
        throw badRequest(`spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
      }
      // A Scale carrying a resourceVersion is a conditional write: the update loop refuses a stale one.
      const rv = wanted.metadata?.resourceVersion;
      if (info.verb === 'update' && rv) current.metadata.resourceVersion = rv;
      const before = structuredClone(current);
      setPath(current as unknown as Record<string, unknown>, scale.specReplicasPath, replicas);
      // Ownership of spec.replicas moves to whoever scaled, recorded against the scale subresource.
      return updateManagedFields(before, current, manager, served.apiVersion, 'Update', { subresource: 'scale' });
    },
    { subresource: 'scale', retryOnConflict: true },
  );
  writeJson(ctx.res, 200, toScale(object, scale));
}
