// Service types (kubernetes-types, type-only) and the questions every part asks about a Service.
import type { KubeObject } from '../../../../apimachinery/meta.js';
import type { ServiceSpec, ServiceStatus } from 'kubernetes-types/core/v1.js';

export type { ServicePort, ServiceSpec, ServiceStatus } from 'kubernetes-types/core/v1.js';

export interface Service extends KubeObject {
  spec?: ServiceSpec;
  status?: ServiceStatus;
}

export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

export const isHeadless = (svc: Service): boolean => svc.spec?.clusterIP === 'None';

/** Every type but ExternalName has a cluster IP (or None). */
export const needsClusterIP = (svc: Service): boolean => (svc.spec?.type ?? 'ClusterIP') !== 'ExternalName';

export const needsNodePorts = (svc: Service): boolean =>
  svc.spec?.type === 'NodePort' || (svc.spec?.type === 'LoadBalancer' && svc.spec.allocateLoadBalancerNodePorts !== false);

export const needsHealthCheckNodePort = (svc: Service): boolean =>
  svc.spec?.type === 'LoadBalancer' && svc.spec.externalTrafficPolicy === 'Local';
