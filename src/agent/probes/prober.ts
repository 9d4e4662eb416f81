// Runs one probe of a container (the kubelet's prober.runProbe): exec through CRI, httpGet,
// tcpSocket or grpc against the pod IP, with the probe's timeout; ports by number or by the
// container's port name.
import type { Container, Probe } from 'kubernetes-types/core/v1.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { execProbe, ProbeError } from './exec.js';
import { grpcProbe } from './grpc.js';
import { httpProbe } from './http.js';
import { tcpProbe } from './tcp.js';
import type { ProbeOutcome } from './types.js';

export { ProbeError } from './exec.js';

export type ProbeType = 'Liveness' | 'Readiness' | 'Startup';

export interface ProbeTargetInfo {
  runtime: ContainerRuntime;
  container: Container;
  containerId: string;
  podIP: string;
}

/** ResolveContainerPort: a number, a container port name, or a number written as a string. */
export function resolveContainerPort(port: number | string | undefined, container: Container): number {
  let n: number;
  if (typeof port === 'number') n = port;
  else {
    const named = (container.ports ?? []).find((p) => p.name === port);
    if (named) n = named.containerPort;
    else if (port !== undefined && /^-?\d+$/.test(port)) n = Number(port);
    else throw new ProbeError(`port ${port ?? ''} not found`);
  }
  if (n > 0 && n < 65536) return n;
  throw new ProbeError(`invalid port number: ${n}`);
}

/** Runs the probe once. Rejects with ProbeError when it could not be run at all (no result). */
export async function runProbe(probe: Probe, target: ProbeTargetInfo): Promise<ProbeOutcome> {
  const timeoutSeconds = probe.timeoutSeconds && probe.timeoutSeconds > 0 ? probe.timeoutSeconds : 1;
  if (probe.exec) return execProbe(target.runtime, target.containerId, probe.exec.command ?? [], timeoutSeconds);
  if (probe.httpGet) {
    const g = probe.httpGet;
    return httpProbe({
      scheme: g.scheme, host: g.host || target.podIP, port: resolveContainerPort(g.port, target.container), path: g.path,
      headers: g.httpHeaders, timeoutMs: timeoutSeconds * 1000,
    });
  }
  if (probe.tcpSocket) return tcpProbe(probe.tcpSocket.host || target.podIP, resolveContainerPort(probe.tcpSocket.port, target.container), timeoutSeconds * 1000);
  if (probe.grpc) return grpcProbe(target.podIP, probe.grpc.port, probe.grpc.service ?? '', timeoutSeconds);
  throw new ProbeError('missing probe handler');
}
