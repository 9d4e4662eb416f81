// Docker-link style service environment variables (pkg/kubelet/envvars): for every Service with
// a cluster IP in the pod's namespace (when enableServiceLinks), and always for "kubernetes" in
// the default namespace: FOO_SERVICE_HOST, FOO_SERVICE_PORT[_NAME], FOO_PORT, FOO_PORT_80_TCP...
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { ResolveContext } from './resolve-context.js';

const MASTER_SERVICES = new Set(['kubernetes']);

const envName = (name: string): string => name.replaceAll('-', '_').toUpperCase();

const hasClusterIP = (svc: Service): boolean => !!svc.spec?.clusterIP && svc.spec.clusterIP !== 'None';

const joinHostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** FromServices: the variables of the given services, in order. */
export function serviceEnvVars(services: Service[]): [string, string][] {
  const out: [string, string][] = [];
  for (const svc of services) {
    if (!hasClusterIP(svc)) continue;
    const ip = svc.spec?.clusterIP as string;
    const ports = svc.spec?.ports ?? [];
    const prefix = envName(svc.metadata?.name ?? '');
    out.push([`${prefix}_SERVICE_HOST`, ip]);
    if (ports.length === 0) continue;
    out.push([`${prefix}_SERVICE_PORT`, String(ports[0]?.port)]);
    for (const p of ports) if (p.name) out.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
    ports.forEach((p, i) => {
      const proto = (p.protocol ?? 'TCP').toLowerCase();
      const url = `${proto}://${joinHostPort(ip, p.port)}`;
      if (i === 0) out.push([`${prefix}_PORT`, url]);
      const portPrefix = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
      out.push([portPrefix, url], [`${portPrefix}_PROTO`, proto], [`${portPrefix}_PORT`, String(p.port)], [`${portPrefix}_ADDR`, ip]);
    });
  }
  return out;
}

/** getServiceEnvVarMap: the pod's service variables (a same-named service in its namespace wins over default/kubernetes). */
export async function podServiceEnv(pod: Pod, ctx: ResolveContext): Promise<Map<string, string>> {
  const ns = pod.metadata?.namespace ?? 'default';
  const links = pod.spec?.enableServiceLinks !== false;
  const chosen = new Map<string, Service>();
  if (ns !== 'default') {
    for (const svc of await ctx.listServices('default')) {
      if (hasClusterIP(svc) && MASTER_SERVICES.has(svc.metadata?.name ?? '')) chosen.set(svc.metadata?.name ?? '', svc);
    }
  }
  for (const svc of await ctx.listServices(ns)) {
    if (!hasClusterIP(svc)) continue;
    const name = svc.metadata?.name ?? '';
    if (links || (ns === 'default' && MASTER_SERVICES.has(name))) chosen.set(name, svc);
  }
  const sorted = [...chosen.values()].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  return new Map(serviceEnvVars(sorted));
}
