// GET pods/{name}/log: validates the PodLogOptions, then streams the agent's
// /containerLogs/{ns}/{pod}/{container} back as text/plain (a pod not yet on a node has no log).
import type { IncomingMessage } from 'node:http';
import { ErrorList, root } from '../../apimachinery/field.js';
import { methodNotAllowed } from '../../apimachinery/errors.js';
import type { HandlerContext } from '../handlers/context.js';
import { agentErrorOf, dialError } from './agent-error.js';
import type { DialAgent } from './dial.js';
import { type NodeGetter, agentEndpointOf, getPod, pickContainer } from './pod-target.js';

const FORWARDED = ['follow', 'previous', 'timestamps', 'sinceSeconds', 'sinceTime', 'tailLines', 'limitBytes'];

export async function handlePodLog(ctx: HandlerContext, dial: DialAgent, getNode: NodeGetter): Promise<void> {
  if (ctx.info.verb !== 'get') throw methodNotAllowed(`${ctx.info.verb} is not supported on pods/log`);
  const q = ctx.url.searchParams;
  validateLogOptions(q, ctx.info.name);
  const pod = await getPod(ctx);
  const container = pickContainer(pod, q.get('container'));
  const text = { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' };
  if (!pod.spec?.nodeName) {
    ctx.res.writeHead(200, text).end();
    return;
  }
  const endpoint = await agentEndpointOf(pod, getNode);
  const params = new URLSearchParams();
  for (const name of FORWARDED) {
    const v = q.get(name);
    if (v !== null && v !== '') params.set(name, v);
  }
  const path = `/containerLogs/${enc(pod.metadata.namespace ?? '')}/${enc(pod.metadata.name ?? '')}/${enc(container)}${params.size ? `?${params}` : ''}`;
  const upstream = dial(endpoint, { method: 'GET', path, headers: { Accept: 'text/plain' } });
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    upstream.once('response', resolve);
    upstream.once('error', (err) => reject(dialError(err)));
    upstream.end();
  });
  if ((res.statusCode ?? 500) < 200 || (res.statusCode ?? 500) > 299) throw await agentErrorOf(res, ctx.info.name);
  ctx.res.writeHead(200, text);
  ctx.res.flushHeaders(); // `logs -f` shows nothing until the headers arrive
  ctx.res.on('close', () => upstream.destroy());
  res.on('error', () => ctx.res.destroy());
  res.pipe(ctx.res);
  await new Promise<void>((resolve) => ctx.res.once('close', () => resolve()));
}

const enc = encodeURIComponent;

function validateLogOptions(q: URLSearchParams, name: string): void {
  const errs = new ErrorList();
  const int = (field: string, min: number, message: string): void => {
    const v = q.get(field);
    if (v === null || v === '') return;
    if (!/^-?\d+$/.test(v)) errs.invalid(root(field), v, 'must be an integer');
    else if (Number(v) < min) errs.invalid(root(field), Number(v), message);
  };
  int('tailLines', 0, 'must be greater than or equal to 0');
  int('limitBytes', 1, 'must be greater than 0');
  int('sinceSeconds', 1, 'must be greater than 0');
  if (q.get('sinceSeconds') && q.get('sinceTime')) errs.forbidden(root('sinceSeconds'), 'at most one of `sinceTime` or `sinceSeconds` may be specified');
  const since = q.get('sinceTime');
  if (since && Number.isNaN(Date.parse(since))) errs.invalid(root('sinceTime'), since, 'must be an RFC 3339 time');
  if (!errs.isEmpty()) throw errs.toStatusError('PodLogOptions', '', name);
}
