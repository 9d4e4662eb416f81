// Services: defaults (SetDefaults_Service), cluster IP and node port allocation during the prepare
// step (see allocators.ts for why that is safe), and the clusterIP immutability rule.
import type { RequestContext, Strategy } from '../../generic/resource.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import type { ServiceAllocators } from './allocators.js';
import { ipv4ToNumber } from './allocators.js';
import { SERVICE_TYPES, type Service, needsClusterIP } from './types.js';
import { dropTypeDependentFields, normalizeClusterIPs, patchAllocatedValues } from './update-fields.js';
import { validateService, validateServiceStatus, validateServiceUpdate } from './validation.js';

const DEFAULT_CLIENT_IP_TIMEOUT_SECONDS = 10800;

export function defaultService(svc: Service): void {
  const s = (svc.spec ??= {});
  s.sessionAffinity ||= 'None';
  if (s.sessionAffinity === 'None') delete s.sessionAffinityConfig;
  if (s.sessionAffinity === 'ClientIP' && s.sessionAffinityConfig?.clientIP?.timeoutSeconds === undefined) {
    s.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT_SECONDS } };
  }
  s.type ||= 'ClusterIP';
  for (const p of s.ports ?? []) {
    p.protocol ||= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const external = s.type === 'LoadBalancer' || s.type === 'NodePort' || (s.type === 'ClusterIP' && (s.externalIPs ?? []).length > 0);
  if (external && !s.externalTrafficPolicy) s.externalTrafficPolicy = 'Cluster';
  if (s.internalTrafficPolicy === undefined && ['ClusterIP', 'NodePort', 'LoadBalancer'].includes(s.type)) s.internalTrafficPolicy = 'Cluster';
  if (s.type === 'LoadBalancer') s.allocateLoadBalancerNodePorts ??= true;
}

/** Only well-formed requests reach the allocator; validation reports the rest. */
function allocatable(svc: Service): boolean {
  const ip = svc.spec?.clusterIP ?? '';
  return SERVICE_TYPES.includes(svc.spec?.type ?? '') && (ip === '' || ip === 'None' || ipv4ToNumber(ip) !== null);
}

/** ipFamilies and ipFamilyPolicy of a single-stack IPv4 cluster. */
function initIPFamilies(svc: Service): void {
  if (!needsClusterIP(svc)) return;
  const s = svc.spec!;
  s.ipFamilyPolicy ??= 'SingleStack';
  if ((s.ipFamilies ?? []).length === 0) s.ipFamilies = ['IPv4'];
}

export function createServiceStrategies(allocators: ServiceAllocators): { strategy: Strategy<Service>; statusStrategy: Strategy<Service> } {
  const { strategy, statusStrategy } = specStatusStrategy<Service>({
    tracksGeneration: false,
    defaults: defaultService,
    validate: validateService,
    validateUpdate: validateServiceUpdate,
    validateStatusUpdate: (svc) => validateServiceStatus(svc),
  });
  const serviceStrategy: Strategy<Service> = {
    ...strategy,
    prepareForCreate: (svc: Service, ctx: RequestContext) => {
      strategy.prepareForCreate(svc, ctx);
      normalizeClusterIPs(svc, null);
      if (allocatable(svc)) allocators.allocate(svc, null, ctx.dryRun);
      initIPFamilies(svc);
      svc.status = { loadBalancer: {} };
    },
    prepareForUpdate: (svc: Service, old: Service, ctx: RequestContext) => {
      strategy.prepareForUpdate(svc, old, ctx);
      patchAllocatedValues(svc, old);
      normalizeClusterIPs(svc, old);
      dropTypeDependentFields(svc, old);
      // A changed primary IP is refused by validation; it must not be reserved first.
      const ipChanged = (old.spec?.clusterIPs ?? []).length > 0 && needsClusterIP(old) && needsClusterIP(svc) && svc.spec?.clusterIP !== old.spec?.clusterIP;
      if (allocatable(svc) && !ipChanged) allocators.allocate(svc, old, ctx.dryRun);
      initIPFamilies(svc);
    },
  };
  return { strategy: serviceStrategy, statusStrategy };
}
