// Routes a resource request to its verb handler, or to a subresource's own handler.
import { methodNotAllowed, notFound } from '../../apimachinery/errors.js';
import type { HandlerContext } from './context.js';
import { handleGet, handleList, handleWatch } from './read.js';
import { handleScale } from './scale.js';
import { handleCreate, handleDelete, handleDeleteCollection, handlePatch, handleUpdate } from './write.js';

export type SubresourceHandler = (ctx: HandlerContext) => Promise<void>;

/** Handlers for subresources that are not status/scale, keyed "resource/subresource" (e.g. "pods/log"). */
export const subresourceHandlers = new Map<string, SubresourceHandler>();

export async function handleResource(ctx: HandlerContext): Promise<void> {
  const { info, served } = ctx;
  const verbs = served.def.verbs;
  const sub = info.subresource;
  if (sub && served.def.subresourceStrategies?.[sub]) {
    if (info.verb !== 'update') throw methodNotAllowed(`${info.verb} is not supported on ${served.def.resource}/${sub}`);
    return handleUpdate(ctx);
  }
  if (sub && sub !== 'status' && sub !== 'scale') {
    const handler = subresourceHandlers.get(`${served.def.resource}/${sub}`);
    if (!handler) throw notFound({ group: served.def.group, resource: `${served.def.resource}/${sub}` }, info.name);
    return handler(ctx);
  }
  if (sub === 'status' && !served.def.statusStrategy) throw notFound({ group: served.def.group, resource: `${served.def.resource}/status` }, info.name);
  if (sub === 'scale') {
    if (!served.def.scale) throw notFound({ group: served.def.group, resource: `${served.def.resource}/scale` }, info.name);
    return handleScale(ctx);
  }
  if (verbs && !verbs.includes(info.verb)) {
    throw methodNotAllowed(`${info.verb} is not supported on ${served.def.resource}`);
  }
  switch (info.verb) {
    case 'get':
      return handleGet(ctx);
    case 'list':
      return handleList(ctx);
    case 'watch':
      return handleWatch(ctx);
    case 'create':
      if (info.name) throw methodNotAllowed(`the server does not allow this method on the requested resource`);
      return handleCreate(ctx);
    case 'update':
      return handleUpdate(ctx);
    case 'patch':
      return handlePatch(ctx);
    case 'delete':
      return handleDelete(ctx);
    case 'deletecollection':
      return handleDeleteCollection(ctx);
    default:
      throw methodNotAllowed(`the server does not allow this method on the requested resource`);
  }
}
