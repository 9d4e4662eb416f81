// Posts a CertificateSigningRequest and waits (watching it) until a signer issued the certificate,
// as the kubelet's certificate manager does; Denied or Failed end the wait with the reason.
import type { CertificateSigningRequest } from '../../apiserver/registry/certificates/certificatesigningrequests/types.js';
import { CERTIFICATE_SIGNING_REQUESTS } from '../../client/resources.js';
import type { Client } from '../../client/types.js';

export interface CertificateRequest {
  /** PEM "CERTIFICATE REQUEST". */
  csrPem: string;
  signerName: string;
  usages: string[];
  /** metadata.generateName of the CSR object ("node-csr-", "csr-"). */
  generateName: string;
  expirationSeconds?: number;
  /** Told the CSR's name once created (e.g. to log "approve it with kubectl certificate approve <name>"). */
  onCreated?: (name: string) => void;
  signal?: AbortSignal;
}

/** The issued certificate (PEM), or a thrown error when the request is denied or fails. */
export async function requestCertificate(client: Client, req: CertificateRequest): Promise<string> {
  const created = await client.create<CertificateSigningRequest>(CERTIFICATE_SIGNING_REQUESTS, undefined, {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { generateName: req.generateName },
    spec: {
      request: Buffer.from(req.csrPem).toString('base64'),
      signerName: req.signerName,
      usages: req.usages,
      ...(req.expirationSeconds ? { expirationSeconds: req.expirationSeconds } : {}),
    },
  });
  const name = created.metadata.name!;
  req.onCreated?.(name);
  let current = created;
  for (;;) {
    const done = outcome(current);
    if (done !== undefined) return done;
    req.signal?.throwIfAborted();
    const watch = await client.watch<CertificateSigningRequest>(CERTIFICATE_SIGNING_REQUESTS, undefined, {
      fieldSelector: `metadata.name=${name}`, resourceVersion: current.metadata.resourceVersion, timeoutSeconds: 60, signal: req.signal,
    });
    try {
      for await (const event of watch) {
        if (event.type === 'ERROR') break;
        if (event.type === 'DELETED') throw new Error(`certificate signing request ${name} was deleted before it was issued`);
        if (event.type === 'BOOKMARK') continue;
        current = event.object;
        if (outcome(current) !== undefined) break;
      }
    } finally {
      watch.stop();
    }
    // the watch ended (server timeout, compaction): read the latest state and watch again
    if (outcome(current) === undefined) current = await client.get<CertificateSigningRequest>(CERTIFICATE_SIGNING_REQUESTS, undefined, name);
  }
}

function outcome(csr: CertificateSigningRequest): string | undefined {
  const name = csr.metadata.name;
  for (const c of csr.status?.conditions ?? []) {
    if (c.status !== 'True') continue;
    if (c.type === 'Denied') throw new Error(`certificate signing request ${name} was denied${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`);
    if (c.type === 'Failed') throw new Error(`certificate signing request ${name} failed${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`);
  }
  return csr.status?.certificate ? Buffer.from(csr.status.certificate, 'base64').toString('utf8') : undefined;
}
