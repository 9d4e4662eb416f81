// The CSR cleaner (kube-controller-manager's csrcleaner): finished requests do not pile up.
// Approved, denied or failed requests go 1 hour after that decision, pending ones after 24
// hours, and any whose issued certificate has expired. Event-driven: each request is queued for
// the moment it becomes due rather than found by an hourly scan.
import type { CertificateSigningRequest } from '../../apiserver/registry/certificates/certificatesigningrequests/types.js';
import { type Clock, realClock } from '../../client/clock.js';
import { runController } from '../../client/controller-base.js';
import type { Lister } from '../../client/lister.js';
import { CERTIFICATE_SIGNING_REQUESTS } from '../../client/resources.js';
import type { Client } from '../../client/types.js';
import * as x509 from '../../pki/x509.js';
import type { ControllerContext, StartController } from '../context.js';
import { DeadlineCleaner } from '../deadline-cleaner.js';

const HOUR = 3600_000;
export const PENDING_EXPIRATION_MS = 24 * HOUR;
export const DECIDED_EXPIRATION_MS = HOUR;

/** When the request may be deleted (ms since the epoch). */
export function csrDeadline(csr: CertificateSigningRequest): number {
  const times: number[] = [];
  const decided = (csr.status?.conditions ?? []).filter((c) => ['Approved', 'Denied', 'Failed'].includes(c.type));
  for (const c of decided) times.push(Date.parse(c.lastUpdateTime ?? c.lastTransitionTime ?? csr.metadata.creationTimestamp ?? '') + DECIDED_EXPIRATION_MS);
  if (decided.length === 0) times.push(Date.parse(csr.metadata.creationTimestamp ?? '') + PENDING_EXPIRATION_MS);
  if (csr.status?.certificate) {
    try {
      times.push(new x509.X509Certificate(Buffer.from(csr.status.certificate, 'base64').toString('utf8')).notAfter.getTime());
    } catch {
      // an unreadable certificate leaves the other deadlines
    }
  }
  const valid = times.filter((t) => Number.isFinite(t));
  return valid.length ? Math.min(...valid) : Infinity;
}

export class CsrCleaner extends DeadlineCleaner<CertificateSigningRequest> {
  constructor(client: Pick<Client, 'delete'>, csrs: Lister<CertificateSigningRequest>, clock: Clock = realClock) {
    super(client, csrs, clock, CERTIFICATE_SIGNING_REQUESTS, undefined);
  }

  deadline(csr: CertificateSigningRequest): number {
    return csrDeadline(csr);
  }
}

export const startCsrCleaner: StartController = async (ctx: ControllerContext) => {
  const informer = ctx.informers.informerFor<CertificateSigningRequest>(CERTIFICATE_SIGNING_REQUESTS);
  const cleaner = new CsrCleaner(ctx.client, ctx.informers.listerFor<CertificateSigningRequest>(CERTIFICATE_SIGNING_REQUESTS));
  informer.addEventHandler({ onAdd: (c) => cleaner.enqueue(c), onUpdate: (_o, c) => cleaner.enqueue(c) });
  ctx.informers.start(ctx.signal);
  void runController({
    name: 'csrcleaner', queue: cleaner.queue, sync: (n) => cleaner.sync(n), workers: 1, signal: ctx.signal, caches: [informer],
    log: (msg, fields) => ctx.log.warn(fields ?? {}, msg),
  });
  await informer.waitForSync(ctx.signal);
};
