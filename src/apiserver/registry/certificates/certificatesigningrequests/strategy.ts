// CertificateSigningRequest strategies (Kubernetes' pkg/registry/certificates/certificates):
// the spec is fixed at create, its requester fields filled from the caller; status conditions
// other than Approved/Denied and the certificate belong to /status (signers); Approved/Denied
// to /approval (approvers, `kubectl certificate approve|deny`).
import { rfc3339Now } from '../../generic/registry-store.js';
import type { RequestContext, Strategy } from '../../generic/resource.js';
import type { CertificateSigningRequest, CsrCondition } from './types.js';
import { APPROVED, DENIED, validateCsr, validateCsrStatusChange } from './validation.js';

const APPROVAL_TYPES = [APPROVED, DENIED];

/** Conditions without timestamps get "now", as populateConditionTimestamps does. */
function stampConditions(csr: CertificateSigningRequest): void {
  const now = rfc3339Now();
  for (const c of csr.status?.conditions ?? []) {
    c.lastUpdateTime ||= now;
    c.lastTransitionTime ||= now;
  }
}

/** The conditions of the given types come from `from`; the others from `keep`. */
function mergeConditions(keep: CsrCondition[], from: CsrCondition[], types: string[]): CsrCondition[] {
  return [...keep.filter((c) => !types.includes(c.type)), ...from.filter((c) => types.includes(c.type))];
}

export const csrStrategy: Strategy<CertificateSigningRequest> = {
  prepareForCreate(csr, ctx: RequestContext) {
    delete csr.status;
    const spec = (csr.spec ??= { request: '', signerName: '' });
    // The requester is whoever sent the request, never what the body says.
    delete spec.username;
    delete spec.uid;
    delete spec.groups;
    delete spec.extra;
    if (ctx.user) {
      spec.username = ctx.user.name;
      if (ctx.user.uid) spec.uid = ctx.user.uid;
      spec.groups = [...ctx.user.groups];
      if (ctx.user.extra && Object.keys(ctx.user.extra).length > 0) spec.extra = structuredClone(ctx.user.extra);
    }
  },
  prepareForUpdate(csr, old) {
    // Only metadata changes through the main resource.
    csr.spec = old.spec;
    if (old.status !== undefined) csr.status = old.status;
    else delete csr.status;
  },
  validate: (csr) => validateCsr(csr),
  validateUpdate: (csr) => validateCsr(csr),
  allowCreateOnUpdate: false,
  allowUnconditionalUpdate: true,
};

/** /status: signers add Failed and the certificate; Approved/Denied stay as they were. */
export const csrStatusStrategy: Strategy<CertificateSigningRequest> = {
  ...csrStrategy,
  prepareForUpdate(csr, old) {
    csr.spec = old.spec;
    const conditions = mergeConditions(csr.status?.conditions ?? [], old.status?.conditions ?? [], APPROVAL_TYPES);
    csr.status = { ...(csr.status ?? {}), conditions };
    if (conditions.length === 0) delete csr.status.conditions;
    stampConditions(csr);
  },
  validateUpdate: (csr, old) => validateCsrStatusChange(csr, old, ['Failed']),
};

/** /approval: only Approved and Denied change; the certificate and other conditions stay. */
export const csrApprovalStrategy: Strategy<CertificateSigningRequest> = {
  ...csrStrategy,
  prepareForUpdate(csr, old) {
    csr.spec = old.spec;
    const conditions = mergeConditions(old.status?.conditions ?? [], csr.status?.conditions ?? [], APPROVAL_TYPES);
    csr.status = { ...(old.status ?? {}), conditions };
    if (conditions.length === 0) delete csr.status.conditions;
    stampConditions(csr);
  },
  validateUpdate: (csr, old) => validateCsrStatusChange(csr, old, APPROVAL_TYPES),
};

/** "Approved,Issued", "Pending", "Denied", ... as kubectl's CONDITION column (extractCSRStatus). */
export function csrConditionText(csr: CertificateSigningRequest): string {
  const types = new Set((csr.status?.conditions ?? []).map((c) => c.type));
  let text = types.has(DENIED) ? 'Denied' : types.has(APPROVED) ? 'Approved' : 'Pending';
  if (types.has('Failed')) text += ',Failed';
  if (csr.status?.certificate) text += ',Issued';
  return text;
}
