// Pod IPs of one sim node, handed out from the node's /24 pod CIDR (.1 to .254), the way a CNI
// plugin's host-local IPAM would: an IP belongs to one pod until that pod is gone or finished.

export class PodIPPool {
  readonly #prefix: string;
  /** pod key -> last octet */
  readonly #byPod = new Map<string, number>();
  readonly #used = new Set<number>();
  #next = 1;

  /** `cidr` must be an IPv4 /24, as sim nodes' pod CIDRs are. */
  constructor(cidr: string) {
    const m = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(cidr);
    if (!m) throw new Error(`sim node pod CIDR must be an IPv4 /24, got ${cidr}`);
    this.#prefix = m[1]!;
  }

  /** The pod's IP, allocating one if it has none; undefined when all 254 are in use. */
  allocate(podKey: string): string | undefined {
    const held = this.#byPod.get(podKey);
    if (held !== undefined) return this.#ip(held);
    for (let tries = 0; tries < 254; tries++) {
      const octet = this.#next;
      this.#next = (this.#next % 254) + 1;
      if (this.#used.has(octet)) continue;
      this.#used.add(octet);
      this.#byPod.set(podKey, octet);
      return this.#ip(octet);
    }
    return undefined;
  }

  /** Records an IP a pod already has (from its status after a restart of the sim). */
  reserve(podKey: string, ip: string): boolean {
    if (!ip.startsWith(`${this.#prefix}.`)) return false;
    const octet = Number(ip.slice(this.#prefix.length + 1));
    if (!Number.isInteger(octet) || octet < 1 || octet > 254) return false;
    const owner = [...this.#byPod].find(([, o]) => o === octet)?.[0];
    if (owner !== undefined && owner !== podKey) return false;
    this.release(podKey);
    this.#used.add(octet);
    this.#byPod.set(podKey, octet);
    return true;
  }

  release(podKey: string): void {
    const octet = this.#byPod.get(podKey);
    if (octet === undefined) return;
    this.#byPod.delete(podKey);
    this.#used.delete(octet);
  }

  get size(): number {
    return this.#byPod.size;
  }

  #ip(octet: number): string {
    return `${this.#prefix}.${octet}`;
  }
}
