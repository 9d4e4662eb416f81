// The CSR approver (kube-controller-manager's csrapproving), plus kubelet-serving auto-approval.
// Node client requests (kube-apiserver-client-kubelet) are approved when a SubjectAccessReview
// says the requester may create certificatesigningrequests/selfnodeclient (a node renewing its
// own certificate) or /nodeclient (a bootstrap token joining a new node), as Kubernetes does.
// kubelet-serving requests are never auto-approved by kube-controller-manager; k3s and kubeadm
// deployments commonly auto-approve them (kubelet-csr-approver, serverTLSBootstrap setups), and
// kite does so when system:node:<name> asks for names and addresses its own Node object lists.
// kube-apiserver-client requests always wait for an administrator (`kubectl certificate approve`).
import type { CertificateSigningRequest } from '../../apiserver/registry/certificates/certificatesigningrequests/types.js';
import { type Clock, realClock } from '../../client/clock.js';
import { runController } from '../../client/controller-base.js';
import type { Lister } from '../../client/lister.js';
import { CERTIFICATE_SIGNING_REQUESTS, NODES } from '../../client/resources.js';
import type { ApiObject, Client, ResourceType } from '../../client/types.js';
import { RateLimitingQueue } from '../../client/workqueue/rate-limiting-queue.js';
import { canonicalIp } from '../../pki/sans.js';
import type { ControllerContext, StartController } from '../context.js';
import {
  KUBELET_SERVING, KUBE_APISERVER_CLIENT_KUBELET, NODES_GROUP, NODE_USER_PREFIX,
  isDecided, nodeClientProblem, nodeServingProblem, requestOf,
} from './csr-rules.js';

export const SUBJECT_ACCESS_REVIEWS: ResourceType = { group: 'authorization.k8s.io', version: 'v1', resource: 'subjectaccessreviews', namespaced: false, kind: 'SubjectAccessReview' };

export interface NodeLike extends ApiObject {
  status?: { addresses?: Array<{ type: string; address: string }> };
}

interface AccessReview extends ApiObject {
  status?: { allowed?: boolean };
}

export class CsrApprovingController {
  readonly queue = new RateLimitingQueue<string>();

  constructor(
    readonly client: Pick<Client, 'create' | 'update'>,
    readonly csrs: Lister<CertificateSigningRequest>,
    readonly nodes: Lister<NodeLike>,
    readonly clock: Clock = realClock,
  ) {}

  enqueue(csr: CertificateSigningRequest): void {
    if (csr.metadata?.name && !isDecided(csr)) this.queue.add(csr.metadata.name);
  }

  async sync(name: string): Promise<void> {
    const csr = this.csrs.get(name);
    if (!csr || isDecided(csr)) return;
    const signer = csr.spec?.signerName;
    if (signer === KUBE_APISERVER_CLIENT_KUBELET) {
      if (await this.#mayHaveNodeClientCert(csr)) await this.#approve(csr, 'Auto approving kubelet client certificate after SubjectAccessReview.');
    } else if (signer === KUBELET_SERVING) {
      if (this.#isOwnServingRequest(csr)) await this.#approve(csr, "Auto approving kubelet serving certificate: the node's own names and addresses.");
    }
  }

  async #mayHaveNodeClientCert(csr: CertificateSigningRequest): Promise<boolean> {
    let parsed;
    try {
      parsed = requestOf(csr);
    } catch {
      return false;
    }
    if (nodeClientProblem(parsed, csr.spec?.usages ?? [])) return false; // not a node client request: left to an administrator
    // A node renewing its own certificate first, then anyone allowed to request node certificates.
    const subresources = csr.spec?.username === parsed.commonName ? ['selfnodeclient', 'nodeclient'] : ['nodeclient'];
    for (const subresource of subresources) if (await this.#allowed(csr, subresource)) return true;
    return false;
  }

  async #allowed(csr: CertificateSigningRequest, subresource: string): Promise<boolean> {
    const spec = csr.spec!;
    const review = await this.client.create<AccessReview>(SUBJECT_ACCESS_REVIEWS, undefined, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      metadata: {},
      spec: {
        user: spec.username, groups: spec.groups, uid: spec.uid, extra: spec.extra,
        resourceAttributes: { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', verb: 'create', subresource },
      },
    } as AccessReview);
    return review.status?.allowed === true;
  }

  #isOwnServingRequest(csr: CertificateSigningRequest): boolean {
    const spec = csr.spec!;
    let parsed;
    try {
      parsed = requestOf(csr);
    } catch {
      return false;
    }
    if (nodeServingProblem(parsed, spec.usages ?? [])) return false;
    if (spec.username !== parsed.commonName || !(spec.groups ?? []).includes(NODES_GROUP)) return false;
    const nodeName = parsed.commonName.slice(NODE_USER_PREFIX.length);
    const node = this.nodes.get(nodeName);
    // The node registers before it asks; until the cache has it, retry.
    if (!node) throw new Error(`node ${nodeName} not found yet for kubelet-serving request ${csr.metadata.name}`);
    const addresses = node.status?.addresses ?? [];
    const dns = new Set([nodeName, ...addresses.filter((a) => /DNS$|^Hostname$/.test(a.type)).map((a) => a.address.toLowerCase())]);
    const ips = new Set(addresses.filter((a) => /IP$/.test(a.type)).map((a) => canonicalIp(a.address)));
    return parsed.sans.dns.every((d) => dns.has(d.toLowerCase())) && parsed.sans.ips.every((ip) => ips.has(canonicalIp(ip)));
  }

  async #approve(csr: CertificateSigningRequest, message: string): Promise<void> {
    const copy = structuredClone(csr);
    const now = new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    copy.status = {
      ...(copy.status ?? {}),
      conditions: [...(copy.status?.conditions ?? []), { type: 'Approved', status: 'True', reason: 'AutoApproved', message, lastUpdateTime: now, lastTransitionTime: now }],
    };
    await this.client.update(CERTIFICATE_SIGNING_REQUESTS, undefined, copy, { subresource: 'approval' });
  }
}

export const startCsrApprovingController: StartController = async (ctx: ControllerContext) => {
  const csrInformer = ctx.informers.informerFor<CertificateSigningRequest>(CERTIFICATE_SIGNING_REQUESTS);
  const nodeInformer = ctx.informers.informerFor<NodeLike>(NODES);
  const controller = new CsrApprovingController(
    ctx.client, ctx.informers.listerFor<CertificateSigningRequest>(CERTIFICATE_SIGNING_REQUESTS), ctx.informers.listerFor<NodeLike>(NODES),
  );
  csrInformer.addEventHandler({ onAdd: (c) => controller.enqueue(c), onUpdate: (_o, c) => controller.enqueue(c) });
  ctx.informers.start(ctx.signal);
  void runController({
    name: 'csrapproving', queue: controller.queue, sync: (n) => controller.sync(n), workers: 1, signal: ctx.signal, caches: [csrInformer, nodeInformer],
    log: (msg, fields) => ctx.log.warn(fields ?? {}, msg),
  });
  await Promise.all([csrInformer.waitForSync(ctx.signal), nodeInformer.waitForSync(ctx.signal)]);
};
