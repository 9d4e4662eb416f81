// pods/exec, pods/attach and pods/portforward: the client's upgrade request is replayed to the
// agent (same method, Upgrade and protocol headers) over TLS with the API server's certificate;
// once the agent answers 101, its answer goes back to the client and the two connections are
// spliced, like kube-apiserver's UpgradeAwareHandler. A refusal becomes a Status reply.
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { badRequest, methodNotAllowed } from '../../apimachinery/errors.js';
import type { HandlerContext } from '../handlers/context.js';
import { agentErrorOf, dialError } from './agent-error.js';
import type { AgentEndpoint, DialAgent } from './dial.js';
import { type NodeGetter, agentEndpointOf, getPod, pickContainer, requireRunning } from './pod-target.js';
import { upgradeOf } from './upgrade.js';

export type ConnectSubresource = 'exec' | 'attach' | 'portforward';

/** Request headers that make up the upgrade handshake; everything else (credentials!) stays here. */
const HANDSHAKE_HEADERS = [
  'connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol',
  'x-stream-protocol-version', 'user-agent',
];

const ACTIONS: Record<ConnectSubresource, string> = { exec: 'exec into', attach: 'attach to', portforward: 'forward ports of' };

export async function handlePodConnect(ctx: HandlerContext, subresource: ConnectSubresource, dial: DialAgent, getNode: NodeGetter): Promise<void> {
  const method = ctx.req.method ?? 'GET';
  if (method !== 'GET' && method !== 'POST') throw methodNotAllowed(`${method} is not supported on pods/${subresource}`);
  const upgrade = upgradeOf(ctx.req);
  if (!upgrade) throw badRequest('Upgrade request required');
  const q = ctx.url.searchParams;
  const pod = await getPod(ctx);
  const container = subresource === 'portforward' ? '' : pickContainer(pod, q.get('container'));
  requireRunning(pod, ACTIONS[subresource]);
  const endpoint = await agentEndpointOf(pod, getNode);
  const ns = encodeURIComponent(pod.metadata.namespace ?? '');
  const name = encodeURIComponent(pod.metadata.name ?? '');
  const path = subresource === 'portforward'
    ? `/portForward/${ns}/${name}${portQuery(q)}`
    : `/${subresource}/${ns}/${name}/${encodeURIComponent(container)}${commandQuery(q, subresource)}`;
  await proxyUpgrade(ctx, upgrade.socket, upgrade.head, endpoint, path, dial);
}

/** Kubelet form of PodExecOptions/PodAttachOptions: input/output/error/tty=1 and command=... */
function commandQuery(q: URLSearchParams, subresource: ConnectSubresource): string {
  const out = new URLSearchParams();
  const on = (name: string): boolean => ['true', '1'].includes((q.get(name) ?? '').toLowerCase());
  if (subresource === 'exec') for (const c of q.getAll('command')) out.append('command', c);
  if (on('stdin')) out.set('input', '1');
  if (on('stdout')) out.set('output', '1');
  if (on('stderr')) out.set('error', '1');
  if (on('tty')) out.set('tty', '1');
  return out.size ? `?${out}` : '';
}

function portQuery(q: URLSearchParams): string {
  const out = new URLSearchParams();
  for (const p of q.getAll('ports')) out.append('port', p);
  return out.size ? `?${out}` : '';
}

async function proxyUpgrade(ctx: HandlerContext, client: Duplex, head: Buffer, endpoint: AgentEndpoint, path: string, dial: DialAgent): Promise<void> {
  const headers: OutgoingHttpHeaders = {};
  for (const name of HANDSHAKE_HEADERS) {
    const value = ctx.req.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const upstream = dial(endpoint, { method: ctx.req.method ?? 'GET', path, headers });
  const outcome = await new Promise<{ res: IncomingMessage; socket?: Socket; head?: Buffer }>((resolve, reject) => {
    upstream.once('upgrade', (res, socket: Socket, agentHead: Buffer) => resolve({ res, socket, head: agentHead }));
    upstream.once('response', (res) => resolve({ res }));
    upstream.once('error', (err) => reject(dialError(err)));
    client.once('close', () => upstream.destroy());
    upstream.end();
  });
  if (!outcome.socket) throw await agentErrorOf(outcome.res, ctx.info.name);
  splice(client, head, outcome.res, outcome.socket, outcome.head ?? Buffer.alloc(0));
}

function splice(client: Duplex, clientHead: Buffer, res: IncomingMessage, agent: Socket, agentHead: Buffer): void {
  const lines = [`HTTP/1.1 101 ${res.statusMessage || 'Switching Protocols'}`];
  for (let i = 0; i < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  client.write(`${lines.join('\r\n')}\r\n\r\n`);
  if (agentHead.length > 0) client.write(agentHead);
  if (clientHead.length > 0) agent.write(clientHead);
  agent.setNoDelay(true);
  (client as Partial<Socket>).setNoDelay?.(true);
  // Like kube-apiserver's proxy: once either side is done, both connections are closed (ended
  // first so bytes already relayed still arrive, destroyed soon after).
  let closing = false;
  const close = (): void => {
    if (closing) return;
    closing = true;
    client.end();
    agent.end();
    setTimeout(() => {
      client.destroy();
      agent.destroy();
    }, 2000).unref();
  };
  for (const side of [client, agent]) {
    side.on('error', () => {
      client.destroy();
      agent.destroy();
    });
    side.on('end', close);
    side.on('close', close);
  }
  agent.pipe(client);
  client.pipe(agent);
}
