// The CSR signer (kube-controller-manager's csrsigning): approved requests for kite's three
// Kubernetes signers get a certificate from the right CA; a request a signer refuses gets a
// Failed condition instead. kube-apiserver-client[-kubelet] -> the client CA the API server
// verifies; kubelet-serving -> the server CA the API server trusts when it dials an agent
// (src/apiserver/streaming/dial.ts).
import type { CertificateSigningRequest } from '../../apiserver/registry/certificates/certificatesigningrequests/types.js';
import { type Clock, realClock } from '../../client/clock.js';
import { runController } from '../../client/controller-base.js';
import type { Lister } from '../../client/lister.js';
import { CERTIFICATE_SIGNING_REQUESTS } from '../../client/resources.js';
import type { Client } from '../../client/types.js';
import { RateLimitingQueue } from '../../client/workqueue/rate-limiting-queue.js';
import type { CertificateAuthority } from '../../pki/ca.js';
import { type ParsedCsr, signCsr } from '../../pki/csr.js';
import type { ControllerContext, StartController } from '../context.js';
import {
  KUBE_APISERVER_CLIENT, KUBE_APISERVER_CLIENT_KUBELET, KUBELET_SERVING,
  apiserverClientProblem, isApproved, isFailed, isIssued, nodeClientProblem, nodeServingProblem, requestOf,
} from './csr-rules.js';

/** The CAs kite signs with: clients (kubeconfigs, agents' client certificates) and serving (agents' port 10250). */
export interface SigningAuthorities {
  client: CertificateAuthority;
  serving: CertificateAuthority;
}

/** kube-controller-manager's --cluster-signing-duration default: one year. */
export const DEFAULT_SIGNING_DURATION_MS = 365 * 24 * 3600 * 1000;

interface Signer {
  ca: (a: SigningAuthorities) => CertificateAuthority;
  problem: (csr: ParsedCsr, usages: string[]) => string | undefined;
}

const SIGNERS: Record<string, Signer> = {
  [KUBE_APISERVER_CLIENT_KUBELET]: { ca: (a) => a.client, problem: nodeClientProblem },
  [KUBE_APISERVER_CLIENT]: { ca: (a) => a.client, problem: apiserverClientProblem },
  [KUBELET_SERVING]: { ca: (a) => a.serving, problem: nodeServingProblem },
};

export class CsrSigningController {
  readonly queue = new RateLimitingQueue<string>();

  constructor(
    readonly client: Pick<Client, 'updateStatus'>,
    readonly csrs: Lister<CertificateSigningRequest>,
    readonly authorities: SigningAuthorities,
    readonly clock: Clock = realClock,
    readonly maxDurationMs = DEFAULT_SIGNING_DURATION_MS,
  ) {}

  enqueue(csr: CertificateSigningRequest): void {
    if (csr.metadata?.name) this.queue.add(csr.metadata.name);
  }

  async sync(name: string): Promise<void> {
    const csr = this.csrs.get(name);
    if (!csr || !isApproved(csr) || isFailed(csr) || isIssued(csr)) return;
    const signer = SIGNERS[csr.spec?.signerName ?? ''];
    if (!signer) return; // another signer's request
    const usages = csr.spec?.usages ?? [];
    let parsed: ParsedCsr;
    let problem: string | undefined;
    try {
      parsed = requestOf(csr);
      problem = signer.problem(parsed, usages);
    } catch (err) {
      return this.#fail(csr, `invalid certificate request: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (problem) return this.#fail(csr, problem);
    const requested = csr.spec?.expirationSeconds !== undefined ? csr.spec.expirationSeconds * 1000 : Infinity;
    const certPem = await signCsr(signer.ca(this.authorities), parsed, {
      usages,
      durationMs: Math.min(this.maxDurationMs, requested),
      now: new Date(this.clock.now()),
    });
    const copy = structuredClone(csr);
    copy.status = { ...(copy.status ?? {}), certificate: Buffer.from(certPem).toString('base64') };
    await this.client.updateStatus(CERTIFICATE_SIGNING_REQUESTS, undefined, copy);
  }

  async #fail(csr: CertificateSigningRequest, message: string): Promise<void> {
    const copy = structuredClone(csr);
    const now = new Date(this.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const conditions = [...(copy.status?.conditions ?? []), { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message, lastUpdateTime: now, lastTransitionTime: now }];
    copy.status = { ...(copy.status ?? {}), conditions };
    await this.client.updateStatus(CERTIFICATE_SIGNING_REQUESTS, undefined, copy);
  }
}

/** Starts "csrsigning" when the context carries kite's CAs (a controller manager without them signs nothing). */
export const startCsrSigningController: StartController = async (ctx: ControllerContext) => {
  if (!ctx.signingAuthorities) return;
  const informer = ctx.informers.informerFor<CertificateSigningRequest>(CERTIFICATE_SIGNING_REQUESTS);
  const controller = new CsrSigningController(ctx.client, ctx.informers.listerFor<CertificateSigningRequest>(CERTIFICATE_SIGNING_REQUESTS), ctx.signingAuthorities);
  informer.addEventHandler({ onAdd: (c) => controller.enqueue(c), onUpdate: (_o, c) => controller.enqueue(c) });
  ctx.informers.start(ctx.signal);
  void runController({
    name: 'csrsigning', queue: controller.queue, sync: (n) => controller.sync(n), workers: 1, signal: ctx.signal, caches: [informer],
    log: (msg, fields) => ctx.log.warn(fields ?? {}, msg),
  });
  await informer.waitForSync(ctx.signal);
};
