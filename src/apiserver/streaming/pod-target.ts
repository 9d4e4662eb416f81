// Where a pods/log, exec, attach or portforward request goes: the pod, its container (checked or
// defaulted as kube-apiserver does) and the agent of its node.
import { badRequest } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/meta.js';
import type { HandlerContext } from '../handlers/context.js';
import type { Pod } from '../registry/core/pods/types.js';
import type { Node } from '../registry/core/nodes/strategy.js';
import type { AgentEndpoint } from './dial.js';

/** Reads a Node by name; throws the registry's NotFound StatusError when it does not exist. */
export type NodeGetter = (name: string) => Promise<KubeObject>;

export const DEFAULT_KUBELET_PORT = 10250;
const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

export async function getPod(ctx: HandlerContext): Promise<Pod> {
  return (await ctx.served.registry.get(ctx.info.namespace, ctx.info.name)) as Pod;
}

/**
 * The container a request names, validated; when none is named: the pod's only container, else the
 * one its kubectl.kubernetes.io/default-container annotation names, else kube-apiserver's error.
 */
export function pickContainer(pod: Pod, requested: string | null): string {
  const name = pod.metadata.name ?? '';
  const spec = pod.spec ?? { containers: [] };
  const all = [...spec.containers, ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map((c) => c.name);
  if (requested) {
    if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const containers = spec.containers.map((c) => c.name);
  if (containers.length === 1) return containers[0]!;
  const annotated = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  if (annotated && all.includes(annotated)) return annotated;
  if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
  const inits = (spec.initContainers ?? []).map((c) => c.name);
  let message = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
  if (inits.length > 0) message += ` or one of the init containers: [${inits.join(' ')}]`;
  throw badRequest(message);
}

/** Exec, attach and port-forward need a running pod. */
export function requireRunning(pod: Pod, action: string): void {
  const phase = pod.status?.phase ?? '';
  if (phase === 'Running') return;
  if (phase === 'Succeeded' || phase === 'Failed') throw badRequest(`cannot ${action} a container in a completed pod; current phase is ${phase}`);
  throw badRequest(`pod ${pod.metadata.name} is not running (phase ${phase || 'Pending'})`);
}

export async function agentEndpointOf(pod: Pod, getNode: NodeGetter): Promise<AgentEndpoint> {
  const nodeName = pod.spec?.nodeName ?? '';
  if (!nodeName) throw badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  const node = (await getNode(nodeName)) as Node;
  const addresses = node.status?.addresses ?? [];
  const host = ['InternalIP', 'ExternalIP', 'Hostname'].map((type) => addresses.find((a) => a.type === type)?.address).find((a) => a);
  if (!host) throw badRequest(`node ${nodeName} has no address to reach its agent`);
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT;
  return { nodeName, host, port };
}
