// How a Service update fills in what the client left out and drops what no longer applies
// (Kubernetes' patchAllocatedValues, NormalizeClusterIPs and dropTypeDependentFields), so that
// `kubectl apply` of a manifest without clusterIP or nodePort keeps the allocated ones.
import { semanticEqual } from '../equality.js';
import { type Service, needsClusterIP, needsHealthCheckNodePort, needsNodePorts } from './types.js';

const sameClusterIPs = (a: Service, b: Service): boolean => semanticEqual(a.spec?.clusterIPs, b.spec?.clusterIPs);
const nodePortsOf = (svc: Service): number[] => (svc.spec?.ports ?? []).map((p) => p.nodePort ?? 0);

/** Cluster IPs and node ports the client did not send are taken from the stored Service. */
export function patchAllocatedValues(svc: Service, old: Service): void {
  const s = (svc.spec ??= {});
  const o = old.spec ?? {};
  if (needsClusterIP(old) && needsClusterIP(svc)) {
    if (!s.clusterIP && o.clusterIP) s.clusterIP = o.clusterIP;
    if ((s.clusterIPs ?? []).length === 0 && (o.clusterIPs ?? []).length > 0) s.clusterIPs = o.clusterIPs;
  }
  if (needsNodePorts(old) && needsNodePorts(svc)) {
    const stillUsed = new Set(nodePortsOf(svc).filter((p) => p && nodePortsOf(old).includes(p)));
    const byName = new Map((o.ports ?? []).map((p) => [p.name ?? '', p.nodePort ?? 0]));
    for (const p of s.ports ?? []) {
      if (p.nodePort) continue;
      const previous = byName.get(p.name ?? '');
      if (previous && !stillUsed.has(previous)) p.nodePort = previous;
    }
  }
  if (needsHealthCheckNodePort(old) && needsHealthCheckNodePort(svc) && !s.healthCheckNodePort) s.healthCheckNodePort = o.healthCheckNodePort;
}

/** Keeps clusterIP and clusterIPs in step when a client manages only one of them. */
export function normalizeClusterIPs(svc: Service, old: Service | null): void {
  const s = (svc.spec ??= {});
  if (!old) {
    if (s.clusterIP && (s.clusterIPs ?? []).length === 0) s.clusterIPs = [s.clusterIP];
    return;
  }
  const o = old.spec ?? {};
  if ((o.clusterIPs ?? []).length > 0 && (s.clusterIPs ?? []).length === 0 && o.clusterIP === s.clusterIP) s.clusterIPs = o.clusterIPs;
  if ((o.clusterIP ?? '') !== (s.clusterIP ?? '')) {
    if (o.clusterIP && !s.clusterIP) {
      if (sameClusterIPs(old, svc)) delete s.clusterIPs;
    } else if (sameClusterIPs(old, svc)) {
      s.clusterIPs = [s.clusterIP!];
    }
  }
}

/** Values allocated for the old type that the new type does not use, and the client did not touch. */
export function dropTypeDependentFields(svc: Service, old: Service): void {
  const s = (svc.spec ??= {});
  const o = old.spec ?? {};
  if (needsClusterIP(old) && !needsClusterIP(svc)) {
    if (sameClusterIPs(old, svc)) {
      delete s.clusterIP;
      delete s.clusterIPs;
    }
    if (semanticEqual(s.ipFamilies, o.ipFamilies)) delete s.ipFamilies;
    if (s.ipFamilyPolicy === o.ipFamilyPolicy) delete s.ipFamilyPolicy;
  }
  if (needsNodePorts(old) && !needsNodePorts(svc) && semanticEqual(nodePortsOf(svc), nodePortsOf(old))) {
    for (const p of s.ports ?? []) delete p.nodePort;
  }
  if (needsHealthCheckNodePort(old) && !needsHealthCheckNodePort(svc) && s.healthCheckNodePort === o.healthCheckNodePort) delete s.healthCheckNodePort;
  if (o.type === 'LoadBalancer' && s.type !== 'LoadBalancer') {
    if (s.allocateLoadBalancerNodePorts === o.allocateLoadBalancerNodePorts) delete s.allocateLoadBalancerNodePorts;
    if (s.loadBalancerClass === o.loadBalancerClass) delete s.loadBalancerClass;
  }
  if (s.type === 'ExternalName' && s.internalTrafficPolicy === o.internalTrafficPolicy) delete s.internalTrafficPolicy;
  const external = (x: Service): boolean => x.spec?.type === 'LoadBalancer' || x.spec?.type === 'NodePort' || (x.spec?.externalIPs ?? []).length > 0;
  if (external(old) && !external(svc) && s.externalTrafficPolicy === o.externalTrafficPolicy) delete s.externalTrafficPolicy;
}
