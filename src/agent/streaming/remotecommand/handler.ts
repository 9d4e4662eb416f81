// /exec/{namespace}/{pod}/{container}?command=... and /attach/{namespace}/{pod}/{container}: the
// agent opens the runtime's session first (so a refusal is still an HTTP error), then accepts the
// client's upgrade (WebSocket v5/v4 or SPDY v4) and bridges the two.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ContainerRuntime } from '../../runtime/runtime.js';
import { AgentHttpError, badRequest, isSpdyUpgrade, notFound, offeredStreamProtocols, pathParams, writeSpdySwitch } from '../http-util.js';
import type { PodLookup } from '../pod-lookup.js';
import { openRemoteCommand } from '../runtime-stream.js';
import { SpdySession } from '../spdy/session.js';
import { acceptWebSocket, isWebSocketUpgrade, negotiate } from '../websocket.js';
import { bridgeRemoteCommand } from './bridge.js';
import { type CommandFrontend, spdyFrontend, websocketFrontend } from './frontends.js';
import { type RemoteCommandOptions, SPDY_REMOTE_COMMAND_PROTOCOLS, WS_REMOTE_COMMAND_PROTOCOLS, parseRemoteCommandOptions } from './protocol.js';

export type RemoteCommandKind = 'exec' | 'attach';

export interface RemoteCommandContext {
  runtime: ContainerRuntime;
  lookup: PodLookup;
  /** How long a SPDY client may take to open its streams; default 30 s. */
  streamCreationTimeoutMs?: number;
}

export async function handleRemoteCommand(kind: RemoteCommandKind, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL, ctx: RemoteCommandContext): Promise<void> {
  const params = pathParams(url.pathname, `/${kind}/`);
  // /{ns}/{pod}/{container} or, as the kubelet also accepts, /{ns}/{pod}/{uid}/{container}
  if (params.length !== 3 && params.length !== 4) throw notFound(`expected /${kind}/{namespace}/{pod}/{container}`);
  const [namespace, pod] = params as [string, string];
  const container = params[params.length - 1]!;
  const opts = parseRemoteCommandOptions(url.searchParams);
  if (kind === 'exec' && opts.command.length === 0) throw badRequest('you must specify at least 1 command');
  if (!opts.stdin && !opts.stdout && !opts.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');

  const protocol = chooseProtocol(req);
  const containerId = await runningContainer(ctx.lookup, namespace, pod, container);
  const request = { containerId, stdin: opts.stdin, stdout: opts.stdout, stderr: opts.stderr, tty: opts.tty };
  const streamUrl = kind === 'exec' ? await ctx.runtime.exec({ ...request, cmd: opts.command }) : await ctx.runtime.attach(request);
  const backend = await openRemoteCommand(streamUrl, opts);

  let frontend: CommandFrontend;
  try {
    frontend = await acceptClient(req, socket, head, protocol, opts, ctx.streamCreationTimeoutMs);
  } catch (err) {
    backend.session.destroy();
    socket.destroy();
    throw err;
  }
  await bridgeRemoteCommand(frontend, backend);
}

function chooseProtocol(req: IncomingMessage): { websocket: boolean; name: string } {
  if (isWebSocketUpgrade(req)) {
    const name = negotiate(req, WS_REMOTE_COMMAND_PROTOCOLS);
    if (!name) throw badRequest(`unable to negotiate a WebSocket subprotocol: supported are ${WS_REMOTE_COMMAND_PROTOCOLS.join(', ')}`);
    return { websocket: true, name };
  }
  if (isSpdyUpgrade(req.headers.upgrade)) {
    const offered = offeredStreamProtocols(req.headers['x-stream-protocol-version']);
    const name = SPDY_REMOTE_COMMAND_PROTOCOLS.find((p) => offered.includes(p));
    if (!name) throw new AgentHttpError(403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${SPDY_REMOTE_COMMAND_PROTOCOLS.join(' ')}]`);
    return { websocket: false, name };
  }
  throw badRequest('Upgrade request required');
}

async function runningContainer(lookup: PodLookup, namespace: string, pod: string, container: string): Promise<string> {
  if (!(await lookup.pod(namespace, pod))) throw notFound(`pod "${namespace}/${pod}" not found on this node`);
  const current = (await lookup.containers(namespace, pod, container))[0];
  if (!current) throw notFound(`container not found ("${container}")`);
  if (current.state !== 'CONTAINER_RUNNING') throw badRequest(`container "${container}" in pod "${pod}" is not running`);
  return current.containerId;
}

async function acceptClient(req: IncomingMessage, socket: Duplex, head: Buffer, protocol: { websocket: boolean; name: string }, opts: RemoteCommandOptions, timeoutMs?: number): Promise<CommandFrontend> {
  if (protocol.websocket) {
    const ws = await acceptWebSocket(req, socket, head, protocol.name);
    return websocketFrontend(ws, protocol.name, opts);
  }
  writeSpdySwitch(socket, protocol.name);
  if (head.length > 0) socket.unshift(head);
  return spdyFrontend(new SpdySession(socket, { isServer: true }), opts, timeoutMs);
}
