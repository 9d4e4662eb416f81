// Installs pods/log, pods/exec, pods/attach and pods/portforward in the API server's subresource
// handler map. Called once at startup (see the report in docs for the server.ts upgrade wiring).
import { subresourceHandlers } from '../handlers/resource.js';
import type { DialAgent } from './dial.js';
import { handlePodLog } from './log-proxy.js';
import type { NodeGetter } from './pod-target.js';
import { handlePodConnect } from './upgrade-proxy.js';

export interface StreamingOptions {
  /** Opens HTTPS requests to a node's agent; agentDialer(...) with the API server's client certificate. */
  dialAgent: DialAgent;
  /** Reads a Node by name (throws NotFound when missing), e.g. `(n) => nodes.registry.get('', n)`. */
  getNode: NodeGetter;
}

export function registerStreamingSubresources(options: StreamingOptions): void {
  const { dialAgent, getNode } = options;
  subresourceHandlers.set('pods/log', (ctx) => handlePodLog(ctx, dialAgent, getNode));
  subresourceHandlers.set('pods/exec', (ctx) => handlePodConnect(ctx, 'exec', dialAgent, getNode));
  subresourceHandlers.set('pods/attach', (ctx) => handlePodConnect(ctx, 'attach', dialAgent, getNode));
  subresourceHandlers.set('pods/portforward', (ctx) => handlePodConnect(ctx, 'portforward', dialAgent, getNode));
}
