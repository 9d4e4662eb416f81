// ClusterIP and NodePort allocation for Services. Allocation happens synchronously inside the
// strategy's prepare step, so within one apiserver process two concurrent creates can never get the
// same value (Node runs the check and the reservation without yielding). The allocators are kept in
// step with the store by allocation-sync.ts: rebuilt from a full list at start, updated from the
// watch (deletes free values) and swept periodically for reservations whose write never landed.
// Limitation: two apiservers sharing one etcd do not coordinate; a clash is detected when the
// second Service is observed, and logged.
import { internal } from '../../../../apimachinery/errors.js';
import { ErrorList, root } from '../../../../apimachinery/field.js';
import { RangeAllocator } from './range-allocator.js';
import { type Service, isHeadless, needsClusterIP, needsHealthCheckNodePort, needsNodePorts } from './types.js';

export const DEFAULT_SERVICE_CIDR = '10.43.0.0/16';
export const DEFAULT_NODE_PORT_RANGE = '30000-32767';
/** How long a reservation may wait for its Service to appear in the store before it is reclaimed. */
export const PENDING_GRACE_MS = 60_000;

export interface ServiceAllocatorOptions {
  serviceCIDR?: string;
  nodePortRange?: string;
  random?: () => number;
  now?: () => number;
  /** Told about two Services holding the same value (only possible with several apiservers). */
  onClash?: (what: string, owners: [string, string]) => void;
}

export const ipv4ToNumber = (ip: string): number | null => {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
};

export const numberToIPv4 = (n: number): string => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');

function parseCIDR(cidr: string): { base: number; size: number } {
  const [ip = '', bits = ''] = cidr.split('/');
  const addr = ipv4ToNumber(ip);
  const prefix = Number(bits);
  if (addr === null || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new Error(`invalid IPv4 service CIDR ${cidr} (prefix must be /8 to /30)`);
  const size = 2 ** (32 - prefix);
  return { base: addr - (addr % size), size };
}

export class ServiceAllocators {
  readonly serviceCIDR: string;
  readonly nodePortRange: string;
  readonly ips: RangeAllocator;
  readonly nodePorts: RangeAllocator;
  readonly #now: () => number;
  readonly #onClash: (what: string, owners: [string, string]) => void;
  readonly #base: number;
  /** Services seen deleted, by uid, with the revision of the delete (so a stale list cannot revive them). */
  readonly #deleted = new Map<string, number>();

  constructor(opts: ServiceAllocatorOptions = {}) {
    this.serviceCIDR = opts.serviceCIDR ?? DEFAULT_SERVICE_CIDR;
    this.nodePortRange = opts.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
    this.#now = opts.now ?? Date.now;
    this.#onClash = opts.onClash ?? ((what, owners) => console.warn(`service allocator: ${what} is held by two services (${owners.join(', ')})`));
    const { base, size } = parseCIDR(this.serviceCIDR);
    this.#base = base;
    // The network and broadcast addresses are never handed out; .1 (kubernetes) and .10 (DNS) only on request.
    this.ips = new RangeAllocator(base + 1, size - 2, { reserved: [base + 1, base + 10], random: opts.random, now: opts.now });
    const [lo, hi] = this.nodePortRange.split('-').map(Number) as [number, number];
    if (!(lo >= 1 && hi <= 65535 && lo <= hi)) throw new Error(`invalid node port range ${this.nodePortRange}`);
    this.nodePorts = new RangeAllocator(lo, hi - lo + 1, { random: opts.random, now: opts.now });
  }

  /** The address of the `kubernetes` Service in the default namespace. */
  get kubernetesServiceIP(): string {
    return numberToIPv4(this.#base + 1);
  }

  /** The address conventionally given to the cluster DNS Service. */
  get dnsServiceIP(): string {
    return numberToIPv4(this.#base + 10);
  }

  /**
   * Fills in the cluster IP and node ports `svc` needs (old: the stored Service on update). Requested
   * values are reserved or refused with Kubernetes' messages; throws the 422 or a 500 when full.
   */
  allocate(svc: Service, old: Service | null, dryRun: boolean): void {
    const owner = svc.metadata.uid ?? '';
    const spec = (svc.spec ??= {});
    const taken: [RangeAllocator, number][] = [];
    const errs = new ErrorList();
    const take = (alloc: RangeAllocator, value: number | null, what: string): number => {
      if (value === null) {
        for (const [a, v] of taken) a.release(v, owner);
        throw internal(`failed to allocate a ${what}: range is full`);
      }
      if (!dryRun && !(alloc.get(value)?.committed ?? false)) taken.push([alloc, value]);
      return value;
    };
    if (needsClusterIP(svc) && !isHeadless(svc)) {
      const requested = spec.clusterIP ?? '';
      if (requested === '') {
        spec.clusterIP = numberToIPv4(take(this.ips, this.ips.allocateNext(owner, dryRun), 'serviceIP'));
        spec.clusterIPs = [spec.clusterIP];
      } else {
        const n = ipv4ToNumber(requested);
        const path = root('spec', 'clusterIPs');
        const result = n === null ? 'invalid' : this.ips.allocateSpecific(n, owner, dryRun);
        if (result === 'ok' && n !== null) take(this.ips, n, 'serviceIP');
        if (result === 'allocated') errs.invalid(path, spec.clusterIPs ?? [requested], `failed to allocate IP ${requested}: provided IP is already allocated`);
        if (result === 'out-of-range') {
          errs.invalid(path, spec.clusterIPs ?? [requested], `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.serviceCIDR}`);
        }
      }
    }
    if (needsNodePorts(svc)) {
      const byPort = new Map<number, number>();
      (spec.ports ?? []).forEach((port, i) => {
        if (port.nodePort) {
          this.#requestPort(port.nodePort, owner, dryRun, root('spec', 'ports').index(i).child('nodePort'), errs, (v) => take(this.nodePorts, v, 'nodePort'));
        } else {
          // Ports that differ only in protocol (53/TCP, 53/UDP) share a node port, as in Kubernetes.
          port.nodePort = byPort.get(port.port) ?? take(this.nodePorts, this.nodePorts.allocateNext(owner, dryRun), 'nodePort');
        }
        byPort.set(port.port, port.nodePort);
      });
    }
    if (needsHealthCheckNodePort(svc)) {
      if (spec.healthCheckNodePort) this.#requestPort(spec.healthCheckNodePort, owner, dryRun, root('spec', 'healthCheckNodePort'), errs, (v) => take(this.nodePorts, v, 'nodePort'));
      else spec.healthCheckNodePort = take(this.nodePorts, this.nodePorts.allocateNext(owner, dryRun), 'nodePort');
    }
    if (!errs.isEmpty()) {
      for (const [a, v] of taken) a.release(v, owner);
      throw errs.toStatusError('Service', '', svc.metadata.name ?? '');
    }
  }

  #requestPort(port: number, owner: string, dryRun: boolean, path: ReturnType<typeof root>, errs: ErrorList, onOk: (v: number) => void): void {
    const result = this.nodePorts.allocateSpecific(port, owner, dryRun);
    if (result === 'ok') onOk(port);
    else if (result === 'allocated') errs.invalid(path, port, 'provided port is already allocated');
    else errs.invalid(path, port, `provided port is not in the valid range. The range of valid ports is ${this.nodePortRange}`);
  }

  /** The values a stored Service holds. */
  #valuesOf(svc: Service): { ips: Set<number>; ports: Set<number> } {
    const ips = new Set<number>();
    for (const ip of [svc.spec?.clusterIP, ...(svc.spec?.clusterIPs ?? [])]) {
      const n = ip ? ipv4ToNumber(ip) : null;
      if (n !== null) ips.add(n);
    }
    const ports = new Set<number>();
    for (const p of svc.spec?.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
    if (svc.spec?.healthCheckNodePort) ports.add(svc.spec.healthCheckNodePort);
    return { ips, ports };
  }

  #commit(svc: Service, rev: number): void {
    const owner = svc.metadata.uid ?? '';
    const { ips, ports } = this.#valuesOf(svc);
    for (const v of ips) this.#clash(this.ips.commit(v, owner, rev), owner, `IP ${numberToIPv4(v)}`);
    for (const v of ports) this.#clash(this.nodePorts.commit(v, owner, rev), owner, `node port ${v}`);
  }

  #clash(other: string | undefined, owner: string, what: string): void {
    if (other !== undefined) this.#onClash(what, [other, owner]);
  }

  /** A Service written (PUT) or deleted, as the store's watch reports it at revision `rev`. */
  observe(type: 'PUT' | 'DELETE', svc: Service, rev: number): void {
    const owner = svc.metadata.uid ?? '';
    if (type === 'DELETE') {
      this.#deleted.set(owner, rev);
      this.ips.releaseOwnerExcept(owner, new Set(), Infinity);
      this.nodePorts.releaseOwnerExcept(owner, new Set(), Infinity);
      return;
    }
    this.#commit(svc, rev);
    const { ips, ports } = this.#valuesOf(svc);
    const pendingBefore = this.#now() - PENDING_GRACE_MS;
    this.ips.releaseOwnerExcept(owner, ips, pendingBefore);
    this.nodePorts.releaseOwnerExcept(owner, ports, pendingBefore);
  }

  /** Brings the allocators in line with a full list of Services read at `listRevision`. */
  reconcile(services: Service[], listRevision: number): void {
    const allIps = new Set<number>();
    const allPorts = new Set<number>();
    for (const svc of services) {
      if ((this.#deleted.get(svc.metadata.uid ?? '') ?? 0) > listRevision) continue;
      this.#commit(svc, listRevision);
      const { ips, ports } = this.#valuesOf(svc);
      ips.forEach((v) => allIps.add(v));
      ports.forEach((v) => allPorts.add(v));
    }
    for (const [uid, rev] of this.#deleted) if (rev <= listRevision) this.#deleted.delete(uid);
    const pendingBefore = this.#now() - PENDING_GRACE_MS;
    this.ips.sweep(allIps, listRevision, pendingBefore);
    this.nodePorts.sweep(allPorts, listRevision, pendingBefore);
  }
}
