// What kite's signers and approver require of a request (Kubernetes' csrsigning signer
// validators and csrapproving recognizers), as pure functions over the parsed CSR.
import type { CertificateSigningRequest } from '../../apiserver/registry/certificates/certificatesigningrequests/types.js';
import { type ParsedCsr, parseCsr } from '../../pki/csr.js';

export const KUBE_APISERVER_CLIENT = 'kubernetes.io/kube-apiserver-client';
export const KUBE_APISERVER_CLIENT_KUBELET = 'kubernetes.io/kube-apiserver-client-kubelet';
export const KUBELET_SERVING = 'kubernetes.io/kubelet-serving';
export const NODE_USER_PREFIX = 'system:node:';
export const NODES_GROUP = 'system:nodes';

const has = (csr: CertificateSigningRequest, type: string): boolean => (csr.status?.conditions ?? []).some((c) => c.type === type && c.status === 'True');
export const isApproved = (csr: CertificateSigningRequest): boolean => has(csr, 'Approved') && !has(csr, 'Denied');
export const isDecided = (csr: CertificateSigningRequest): boolean => has(csr, 'Approved') || has(csr, 'Denied');
export const isFailed = (csr: CertificateSigningRequest): boolean => has(csr, 'Failed');
export const isIssued = (csr: CertificateSigningRequest): boolean => !!csr.status?.certificate;

/** The parsed PEM CSR of a request (validation already checked it parses). */
export const requestOf = (csr: CertificateSigningRequest): ParsedCsr => parseCsr(Buffer.from(csr.spec?.request ?? '', 'base64').toString('utf8'));

function usagesWithin(usages: string[], required: string, allowed: string[]): string | undefined {
  if (!usages.includes(required)) return `usages must include "${required}"`;
  const extra = usages.filter((u) => !allowed.includes(u));
  return extra.length ? `usages ${JSON.stringify(extra)} are not allowed, only ${JSON.stringify(allowed)}` : undefined;
}

function nodeSubject(csr: ParsedCsr): string | undefined {
  if (!csr.commonName.startsWith(NODE_USER_PREFIX) || csr.commonName.length === NODE_USER_PREFIX.length) return `subject CN must be "${NODE_USER_PREFIX}<node name>"`;
  if (csr.organizations.length !== 1 || csr.organizations[0] !== NODES_GROUP) return `subject O must be exactly ["${NODES_GROUP}"]`;
  return undefined;
}

/** Why a kube-apiserver-client-kubelet request cannot be signed (undefined: it can). */
export function nodeClientProblem(csr: ParsedCsr, usages: string[]): string | undefined {
  const sans = csr.sans;
  if (sans.dns.length || sans.ips.length || sans.emails.length || sans.uris.length) return 'a node client certificate may not carry subject alternative names';
  return nodeSubject(csr) ?? usagesWithin(usages, 'client auth', ['digital signature', 'key encipherment', 'client auth']);
}

/** Why a kubelet-serving request cannot be signed: a node's name with DNS/IP SANs only, for server auth. */
export function nodeServingProblem(csr: ParsedCsr, usages: string[]): string | undefined {
  const sans = csr.sans;
  if (sans.emails.length || sans.uris.length) return 'a kubelet serving certificate may carry only DNS and IP subject alternative names';
  if (sans.dns.length + sans.ips.length === 0) return 'a kubelet serving certificate needs at least one DNS or IP subject alternative name';
  return nodeSubject(csr) ?? usagesWithin(usages, 'server auth', ['digital signature', 'key encipherment', 'server auth']);
}

/** kube-apiserver-client: any subject, client auth only. Approved by an administrator, never automatically. */
export function apiserverClientProblem(csr: ParsedCsr, usages: string[]): string | undefined {
  if (!csr.commonName) return 'subject CN (the user name) must not be empty';
  return usagesWithin(usages, 'client auth', ['digital signature', 'key encipherment', 'client auth']);
}
