// certificates.k8s.io/v1 CertificateSigningRequest validation, with Kubernetes' messages
// (pkg/apis/certificates/validation): the request must be a signed PEM CSR, usages known and
// unique, the signer a qualified name, at least 10 minutes asked for, and conditions coherent.
import { ErrorList, type FieldPath, root } from '../../../../apimachinery/field.js';
import { isDNS1123Subdomain } from '../../../../apimachinery/names.js';
import { VALID_USAGES, parseCsr } from '../../../../pki/csr.js';
import type { CertificateSigningRequest, CsrCondition } from './types.js';

export const APPROVED = 'Approved';
export const DENIED = 'Denied';
export const FAILED = 'Failed';
const TRUE_ONLY = ['True'];
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];

/** The PEM text of a base64 []byte field ('' when absent or not base64). */
export const decodeBytes = (b64: string | undefined): string => (b64 ? Buffer.from(b64, 'base64').toString('utf8') : '');

/** apivalidation.ValidateSignerName: "<domain>/<path>", both parts well-formed. */
export function validateSignerName(path: FieldPath, name: string | undefined): ErrorList {
  const errs = new ErrorList();
  if (!name) return errs.required(path, '');
  const slash = name.indexOf('/');
  if (slash < 0) return errs.invalid(path, name, "must be a fully qualified domain and path of the form 'example.com/signer-name'");
  const domain = name.slice(0, slash);
  const rest = name.slice(slash + 1);
  if (!domain.includes('.')) errs.invalid(path, name, 'should be a domain with at least two segments separated by dots');
  for (const msg of isDNS1123Subdomain(domain)) errs.invalid(path, name, msg);
  if (rest === '') errs.invalid(path, name, 'validating path: must not be empty');
  else if (rest.length > 253) errs.tooLong(path, 253);
  return errs;
}

/** validateCertificate: status.certificate holds one or more CERTIFICATE PEM blocks, nothing else. */
export function certificateError(pem: string): string | undefined {
  if (pem === '') return undefined;
  const blocks = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)];
  if (blocks.length === 0) return 'must contain at least one CERTIFICATE PEM block';
  for (const b of blocks) {
    if (b[1] !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found "${b[1]}"`;
    if (/^[A-Za-z-]+:/m.test(b[2]!)) return 'no PEM block headers are permitted';
  }
  return undefined;
}

function validateConditions(path: FieldPath, conditions: CsrCondition[]): ErrorList {
  const errs = new ErrorList();
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  conditions.forEach((c, i) => {
    const at = path.index(i);
    if (!c.type) errs.required(at.child('type'), '');
    if (!CONDITION_STATUSES.includes(c.status ?? '')) errs.notSupported(at.child('status'), c.status ?? '', CONDITION_STATUSES);
    if (c.type === APPROVED || c.type === DENIED || c.type === FAILED) {
      if (c.type === APPROVED) approved = true;
      if (c.type === DENIED) denied = true;
      if ((c.type === APPROVED && denied) || (c.type === DENIED && approved)) errs.invalid(at.child('type'), c.type, 'Approved and Denied conditions are mutually exclusive');
      if (c.status !== 'True') errs.notSupported(at.child('status'), c.status ?? '', TRUE_ONLY);
    }
    if (seen.has(c.type)) errs.duplicate(at.child('type'), c.type);
    seen.add(c.type);
  });
  return errs;
}

export function validateCsr(csr: CertificateSigningRequest): ErrorList {
  const errs = new ErrorList();
  const spec = csr.spec ?? { request: '', usages: [], signerName: '' };
  const specPath = root('spec');
  try {
    parseCsr(decodeBytes(spec.request));
  } catch (err) {
    errs.invalid(specPath.child('request'), spec.request ?? '', err instanceof Error ? err.message : String(err));
  }
  const usages = spec.usages ?? [];
  if (usages.length === 0) errs.required(specPath.child('usages'), '');
  const seen = new Set<string>();
  usages.forEach((u, i) => {
    if (!VALID_USAGES.includes(u)) errs.notSupported(specPath.child('usages').index(i), u, VALID_USAGES);
    if (seen.has(u)) errs.duplicate(specPath.child('usages').index(i), u);
    seen.add(u);
  });
  if (spec.signerName === 'kubernetes.io/legacy-unknown') errs.invalid(specPath.child('signerName'), spec.signerName, 'the legacy signerName is not allowed via this API version');
  else errs.add(validateSignerName(specPath.child('signerName'), spec.signerName));
  if (spec.expirationSeconds !== undefined && spec.expirationSeconds < 600) {
    errs.invalid(specPath.child('expirationSeconds'), spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)');
  }
  errs.add(validateConditions(root('status', 'conditions'), csr.status?.conditions ?? []));
  const certErr = certificateError(decodeBytes(csr.status?.certificate));
  if (certErr) errs.invalid(root('status', 'certificate'), '<certificate data>', certErr);
  return errs;
}

const countOf = (csr: CertificateSigningRequest, type: string): number => (csr.status?.conditions ?? []).filter((c) => c.type === type).length;

/** What no update may do: remove Approved/Denied/Failed, or rewrite an issued certificate. */
export function validateCsrStatusChange(csr: CertificateSigningRequest, old: CertificateSigningRequest, changeable: string[]): ErrorList {
  const errs = validateCsr(csr);
  const conditionsPath = root('status', 'conditions');
  for (const type of [APPROVED, DENIED, FAILED]) {
    const before = countOf(old, type);
    const after = countOf(csr, type);
    if (after < before) errs.forbidden(conditionsPath, `updates may not remove a condition of type "${type}"`);
    else if (after > before && !changeable.includes(type)) errs.forbidden(conditionsPath, `updates may not add a condition of type "${type}"`);
  }
  const oldCert = old.status?.certificate ?? '';
  if (oldCert !== '' && (csr.status?.certificate ?? '') !== oldCert) {
    errs.invalid(root('status', 'certificate'), '<certificate data>', 'updates may not modify existing certificate content');
  }
  if (oldCert === '' && (csr.status?.certificate ?? '') !== '' && countOf(csr, APPROVED) === 0) {
    errs.invalid(root('status', 'certificate'), '<certificate data>', 'certificate can only be set on an approved request');
  }
  return errs;
}
