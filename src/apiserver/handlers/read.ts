// GET of one object, LIST (plain list or Table) and WATCH (chunked JSON events).
import { badRequest, expired, toStatusError } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/meta.js';
import type { CacherEvent } from '../../storage/cacher/types.js';
import { isStoreError } from '../../storage/store.js';
import { negotiateShape, writeJson, writeJsonText } from '../http/response.js';
import { sharedJson } from '../http/shared-json.js';
import type { HandlerContext } from './context.js';
import { parseIncludeObject, toTable } from './table.js';

const partialMetadata = (obj: KubeObject): KubeObject =>
  ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata }) as KubeObject;

export async function handleGet(ctx: HandlerContext): Promise<void> {
  const { served, info, url } = ctx;
  const shape = negotiateShape(ctx.req);
  const obj = await served.registry.read(info.namespace, info.name);
  if (shape === 'table') {
    writeJson(ctx.res, 200, toTable(served.def, [obj], { resourceVersion: obj.metadata.resourceVersion }, parseIncludeObject(url.searchParams.get('includeObject'))));
  } else if (shape === 'partialObjectMetadata') {
    writeJson(ctx.res, 200, partialMetadata(obj));
  } else {
    writeJsonText(ctx.res, 200, sharedJson(obj));
  }
}

export async function handleList(ctx: HandlerContext): Promise<void> {
  const { served, info, url } = ctx;
  const shape = negotiateShape(ctx.req);
  const list = await served.list(info.namespace, url.searchParams).catch((err: unknown) => {
    throw isStoreError(err, 'Expired') ? expiredContinue() : err;
  });
  const listMeta = {
    resourceVersion: list.resourceVersion,
    ...(list.continue ? { continue: list.continue } : {}),
    ...(list.remainingItemCount !== undefined ? { remainingItemCount: list.remainingItemCount } : {}),
  };
  if (shape === 'table') {
    writeJson(ctx.res, 200, toTable(served.def, list.items, listMeta, parseIncludeObject(url.searchParams.get('includeObject'))));
    return;
  }
  if (shape === 'partialObjectMetadata') {
    writeJson(ctx.res, 200, { kind: 'PartialObjectMetadataList', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, items: list.items.map(partialMetadata) });
    return;
  }
  writeJson(ctx.res, 200, { kind: `${served.def.kind}List`, apiVersion: served.apiVersion, metadata: listMeta, items: list.items });
}

const expiredContinue = () =>
  expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');

/** Kubernetes caps watches at a random 30-60 minutes unless the client asks for less. */
const MAX_WATCH_SECONDS = 1800;

export async function handleWatch(ctx: HandlerContext): Promise<void> {
  const { served, info, url, req, res } = ctx;
  const shape = negotiateShape(req);
  const query = new URLSearchParams(url.searchParams);
  if (info.name) {
    // GET .../pods/NAME?watch=true watches one object.
    const existing = query.get('fieldSelector');
    query.set('fieldSelector', existing ? `${existing},metadata.name=${info.name}` : `metadata.name=${info.name}`);
  }
  const predicate = served.predicate(query);
  const rvText = query.get('resourceVersion') ?? '';
  const afterRevision = rvText === '' ? 0 : Number(rvText);
  if (!Number.isInteger(afterRevision) || afterRevision < 0) throw badRequest(`resourceVersion: Invalid value: "${rvText}": must be a non-negative integer`);
  const timeoutText = query.get('timeoutSeconds');
  const timeoutSeconds = timeoutText ? Math.min(Number(timeoutText), MAX_WATCH_SECONDS) : MAX_WATCH_SECONDS;
  const allowBookmarks = query.get('allowWatchBookmarks') === 'true';

  let headersSent = false;
  const sendHeaders = (): void => {
    if (headersSent) return;
    headersSent = true;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    // kubectl waits for the headers before it reports the watch as started (KUBECTL-WIRE §3).
    res.flushHeaders();
  };

  let firstTableEvent = true;
  const encode = (type: string, obj: unknown): string => JSON.stringify({ type, object: obj }) + '\n';
  // The cache's objects are shared by every watcher: serialized once for all of them.
  const encodeCached = (type: string, obj: KubeObject): string => `{"type":${JSON.stringify(type)},"object":${sharedJson(obj)}}\n`;
  const eventObject = (type: string, obj: KubeObject): unknown => {
    if (type === 'BOOKMARK' || shape === 'object') return obj;
    if (shape === 'partialObjectMetadata') return partialMetadata(obj);
    const table = toTable(served.def, [obj], { resourceVersion: obj.metadata.resourceVersion }, parseIncludeObject(query.get('includeObject')), firstTableEvent);
    firstTableEvent = false;
    return table;
  };
  let done = false;
  // Events of one fan-out (a group commit's batch, a watch's initial list) leave in one write:
  // one TLS record and one syscall instead of one per event.
  let corked = false;
  const uncork = (): void => {
    corked = false;
    res.uncork();
  };
  let resolveDone: () => void = () => {};
  const closed = new Promise<void>((resolve) => (resolveDone = resolve));
  let watch: { stop(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const finish = (): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    watch?.stop();
    sendHeaders();
    res.end();
    resolveDone();
  };
  req.on('close', finish);
  res.on('error', finish);
  try {
    watch = await served.cache.watch({
      prefix: served.listPrefix(info.namespace),
      afterRevision,
      consistent: rvText === '',
      predicate: predicate ? (obj: KubeObject) => predicate(obj) : undefined,
      allowBookmarks,
      onEvent: (event: CacherEvent<KubeObject>) => {
        if (done) return;
        sendHeaders();
        if (!corked) {
          corked = true;
          res.cork();
          process.nextTick(uncork);
        }
        const obj = event.type === 'BOOKMARK'
          ? ({ kind: served.def.kind, apiVersion: served.apiVersion, metadata: { resourceVersion: String(event.revision) } } as KubeObject)
          : event.object;
        const ok = res.write(event.type !== 'BOOKMARK' && shape === 'object' ? encodeCached(event.type, obj) : encode(event.type, eventObject(event.type, obj)));
        if (!ok && res.writableLength > 16 * 1024 * 1024) finish(); // a client that stopped reading
      },
      // The cache ended the watch (slow client, cache reset): close; the client watches again.
      onError: () => finish(),
    });
  } catch (err) {
    const status = toStatusError(err);
    // Too old: an in-stream ERROR as kube-apiserver sends it (informers relist, `get -w` prints it).
    if (status.code !== 410) throw status;
    sendHeaders();
    res.write(encode('ERROR', status.status));
    finish();
    return;
  }
  if (done) {
    watch.stop();
    return;
  }
  sendHeaders();
  timer = setTimeout(finish, timeoutSeconds * 1000);
  await closed;
}
