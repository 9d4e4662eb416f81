// GET /containerLogs/{namespace}/{pod}/{container}: the kubelet's log endpoint. Query:
// follow, previous, timestamps, tailLines, limitBytes, sinceSeconds, sinceTime.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AgentHttpError, badRequest, boolParam, intParam, notFound, pathParams } from '../http-util.js';
import type { ContainerRef, PodLookup } from '../pod-lookup.js';
import { readContainerLog } from './log-reader.js';

export const CONTAINER_LOGS_PREFIX = '/containerLogs/';

export async function handleContainerLogs(req: IncomingMessage, res: ServerResponse, url: URL, lookup: PodLookup): Promise<void> {
  const [namespace, pod, container, ...rest] = pathParams(url.pathname, CONTAINER_LOGS_PREFIX);
  if (!namespace || !pod || !container || rest.length > 0) throw notFound(`expected ${CONTAINER_LOGS_PREFIX}{namespace}/{pod}/{container}`);
  const q = url.searchParams;
  const follow = boolParam(q, 'follow');
  const previous = boolParam(q, 'previous');
  const tailLines = intParam(q, 'tailLines', 0);
  const limitBytes = intParam(q, 'limitBytes', 1);
  const sinceSeconds = intParam(q, 'sinceSeconds', 1);
  const sinceTimeText = q.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTimeText) throw badRequest('at most one of `sinceTime` or `sinceSeconds` may be specified');
  let sinceMs: number | undefined;
  if (sinceSeconds !== undefined) sinceMs = Date.now() - sinceSeconds * 1000;
  if (sinceTimeText) {
    sinceMs = Date.parse(sinceTimeText);
    if (Number.isNaN(sinceMs)) throw badRequest(`sinceTime: Invalid value: "${sinceTimeText}": must be an RFC 3339 time`);
  }

  const target = await pickContainer(lookup, namespace, pod, container, previous);
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
  res.flushHeaders();
  try {
    await readContainerLog(target.logPath, res, {
      follow: follow && !previous,
      tailLines,
      limitBytes,
      sinceMs,
      timestamps: boolParam(q, 'timestamps'),
      isRunning: () => lookup.isRunning(target.containerId),
      signal: abort.signal,
    });
  } catch (err) {
    // A container that has not written yet has no file: its log is empty.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  res.end();
}

async function pickContainer(lookup: PodLookup, namespace: string, pod: string, name: string, previous: boolean): Promise<ContainerRef> {
  if (!(await lookup.pod(namespace, pod))) throw notFound(`pod "${namespace}/${pod}" not found on this node`);
  const instances = await lookup.containers(namespace, pod, name);
  if (previous) {
    const before = instances[1];
    if (!before) throw badRequest(`previous terminated container "${name}" in pod "${pod}" not found`);
    return before;
  }
  const current = instances[0];
  if (!current || current.state === 'CONTAINER_CREATED') {
    throw new AgentHttpError(400, `container "${name}" in pod "${pod}" is waiting to start: ${current?.reason || 'ContainerCreating'}`);
  }
  return current;
}
