// POST (create), PUT (update), PATCH and DELETE on a resource or a subresource.
import { badRequest, unsupportedMediaType } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/meta.js';
import { decodeObjectBody, mediaType, parseJson, readBody } from '../http/body.js';
import { successStatus, writeJson, writeJsonText } from '../http/response.js';
import { sharedJson } from '../http/shared-json.js';
import { findUnknownFields, strictDecodingMessage } from '../openapi/field-validation.js';
import { applyPatch, type PatchType } from '../patch/apply-patch.js';
import { deleteObject, parseDeleteOptions } from '../registry/generic/delete.js';
import { updateManagedFields } from '../patch/managed-fields.js';
import { FieldSet, fieldPE } from '../patch/fieldpath.js';
import type { ResourceDefinition } from '../registry/generic/resource.js';
import {
  type HandlerContext,
  defaultFieldManager,
  parseFieldManager,
  parseFieldValidation,
  requestContext,
  warningHeaders,
} from './context.js';

const patchTypes: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
};

/** Strict rejects unknown fields, Warn reports them in a Warning header, Ignore drops nothing. */
function checkFields(ctx: HandlerContext, obj: Record<string, unknown>, isPatch = false): void {
  const mode = parseFieldValidation(ctx.url.searchParams);
  if (mode === 'Ignore') return;
  const { def } = ctx.served;
  const unknown = findUnknownFields(def.group, def.version, def.kind, obj);
  if (unknown.length === 0) return;
  if (mode === 'Strict') throw badRequest(strictDecodingMessage(unknown, isPatch ? undefined : { kind: def.kind, version: def.version }));
  for (const path of unknown) ctx.warnings.push(`unknown field "${path.replace(/^\./, '')}"`);
}

async function readObject(ctx: HandlerContext): Promise<KubeObject> {
  const body = await readBody(ctx.req);
  const obj = decodeObjectBody(body, ctx.req.headers['content-type']);
  checkFields(ctx, obj);
  if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
  return obj as unknown as KubeObject;
}

export async function handleCreate(ctx: HandlerContext): Promise<void> {
  const { served } = ctx;
  const obj = await readObject(ctx);
  const rctx = requestContext(ctx);
  const manager = parseFieldManager(ctx.url.searchParams, defaultFieldManager(ctx.req));
  if (served.def.virtual) {
    const result = await served.createVirtual!(rctx, obj);
    writeJson(ctx.res, 201, result, warningHeaders(ctx.warnings));
    return;
  }
  updateManagedFields(null, obj, manager, served.def.group ? `${served.def.group}/${served.def.version}` : served.def.version, 'Update');
  const created = await served.registry.create(rctx, obj);
  // The written object went to the watch cache too: one serialization for this answer and the watch events.
  writeJsonText(ctx.res, 201, sharedJson(created), warningHeaders(ctx.warnings));
}

export async function handleUpdate(ctx: HandlerContext): Promise<void> {
  const { served, info } = ctx;
  const obj = await readObject(ctx);
  const rctx = requestContext(ctx);
  const manager = parseFieldManager(ctx.url.searchParams, defaultFieldManager(ctx.req));
  const apiVersion = served.def.group ? `${served.def.group}/${served.def.version}` : served.def.version;
  const { object, created } = await served.registry.update(
    rctx,
    info.name,
    (current) => updateManagedFields(current, obj, manager, apiVersion, 'Update', info.subresource ? { subresource: info.subresource } : {}),
    { subresource: info.subresource },
  );
  writeJsonText(ctx.res, created ? 201 : 200, sharedJson(object), warningHeaders(ctx.warnings));
}

export async function handlePatch(ctx: HandlerContext): Promise<void> {
  const { served, info, url } = ctx;
  const type = patchTypes[mediaType(ctx.req.headers['content-type'])];
  if (!type) throw unsupportedMediaType(mediaType(ctx.req.headers['content-type']));
  const body = await readBody(ctx.req);
  const patch = type === 'apply' ? parseApplyBody(body) : parseJson(body.toString('utf8'));
  const rctx = requestContext(ctx);
  const force = url.searchParams.get('force') === 'true';
  if (type === 'apply' && !url.searchParams.get('fieldManager')) {
    throw badRequest('PATCH, application/apply-patch+yaml requests require a fieldManager parameter');
  }
  if (force && type !== 'apply') throw badRequest('force: Invalid value: true: may not be specified for non-apply patch');
  const manager = parseFieldManager(url.searchParams, defaultFieldManager(ctx.req));
  if (type === 'apply' || type === 'strategic' || type === 'merge') checkFields(ctx, withoutPatchDirectives(patch) as Record<string, unknown>, true);
  const apiVersion = served.def.group ? `${served.def.group}/${served.def.version}` : served.def.version;
  const { object, created } = await served.registry.update(
    rctx,
    info.name,
    (current, original) => applyPatch({ type, current, original, patch, def: served.def, manager, force, apiVersion, namespace: info.namespace, name: info.name, subresource: info.subresource || undefined, ignoredFields: resetFields(served.def, info.subresource) }),
    // A patch that names no resourceVersion applies to whatever is current: retry on conflict.
    { subresource: info.subresource, retryOnConflict: !hasResourceVersion(patch), createIfMissing: type === 'apply' && info.subresource === '' },
  );
  writeJsonText(ctx.res, created ? 201 : 200, sharedJson(object), warningHeaders(ctx.warnings));
}

/** Fields an endpoint resets, so no manager owns them through it: status on the main resource, spec on /status. */
function resetFields(def: ResourceDefinition, subresource: string): FieldSet | undefined {
  if (!def.statusStrategy) return undefined;
  return FieldSet.of([fieldPE(subresource === 'status' ? 'spec' : 'status')]);
}

/** Strategic merge patch directives ($patch, $setElementOrder/x, $retainKeys, ...) are not fields. */
function withoutPatchDirectives(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPatchDirectives);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).filter(([k]) => !k.startsWith('$')).map(([k, v]) => [k, withoutPatchDirectives(v)]),
  );
}

function parseApplyBody(body: Buffer): unknown {
  // kubectl sends apply patches as JSON text; YAML is the declared type, and JSON is valid YAML.
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return decodeObjectBody(body, 'application/yaml');
  }
}

function hasResourceVersion(patch: unknown): boolean {
  if (Array.isArray(patch)) return patch.some((op) => typeof op === 'object' && op !== null && String((op as { path?: string }).path) === '/metadata/resourceVersion');
  const meta = (patch as { metadata?: { resourceVersion?: unknown } } | null)?.metadata;
  return meta?.resourceVersion !== undefined && meta.resourceVersion !== null;
}

export async function handleDelete(ctx: HandlerContext): Promise<void> {
  const { served, info, url } = ctx;
  const raw = await readBody(ctx.req);
  const body = raw.length > 0 ? decodeObjectBody(raw, ctx.req.headers['content-type']) : null;
  const opts = parseDeleteOptions(body, url.searchParams);
  const dryRun = (opts.dryRun ?? (body?.dryRun as string[] | undefined) ?? []).includes('All') || url.searchParams.getAll('dryRun').includes('All');
  const rctx = requestContext(ctx, dryRun);
  const result = await deleteObject(served.registry, rctx, info.name, opts, served.gracePeriod);
  if (!result.deleted || served.returnDeletedObject) {
    writeJson(ctx.res, result.deleted ? 200 : 202, result.object);
    return;
  }
  const { def } = served;
  writeJson(ctx.res, 200, successStatus({ name: info.name, ...(def.group ? { group: def.group } : {}), kind: def.resource, uid: result.object.metadata.uid }));
}

export async function handleDeleteCollection(ctx: HandlerContext): Promise<void> {
  const { served, url } = ctx;
  const raw = await readBody(ctx.req);
  const body = raw.length > 0 ? decodeObjectBody(raw, ctx.req.headers['content-type']) : null;
  const opts = parseDeleteOptions(body, url.searchParams);
  const rctx = requestContext(ctx);
  const list = await served.list(ctx.info.namespace, url.searchParams);
  for (const item of list.items) {
    try {
      await deleteObject(served.registry, { ...rctx, namespace: item.metadata.namespace ?? '' }, item.metadata.name ?? '', opts, served.gracePeriod);
    } catch (err) {
      if ((err as { reason?: string }).reason !== 'NotFound') throw err;
    }
  }
  writeJson(ctx.res, 200, { kind: `${served.def.kind}List`, apiVersion: served.apiVersion, metadata: {}, items: list.items });
}
