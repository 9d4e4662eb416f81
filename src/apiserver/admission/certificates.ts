// The certificates admission plugins Kubernetes enables by default (plugin/pkg/admission/certificates):
// CertificateApproval (approving or denying needs `approve` on signers/<signerName>), CertificateSigning
// (writing status.certificate needs `sign` on it), and CertificateSubjectRestriction (no
// kube-apiserver-client certificate for the system:masters group: that would be a back door to
// superuser).
import { forbiddenMessage } from '../../apimachinery/errors.js';
import type { UserInfo } from '../authn/user.js';
import type { Authorizer } from '../authz/authorizer.js';
import type { CertificateSigningRequest } from '../registry/certificates/certificatesigningrequests/types.js';
import { parseCsr } from '../../pki/csr.js';
import type { AdmissionAttributes, AdmissionPlugin } from './admission.js';

const GROUP = 'certificates.k8s.io';
const gr = { group: GROUP, resource: 'certificatesigningrequests' };

/** Whether the user may `verb` the signer: by its exact name, or by "<domain>/*" (IsAuthorizedForSignerName). */
async function mayUseSigner(authorizer: Authorizer, user: UserInfo, verb: 'approve' | 'sign', signerName: string): Promise<boolean> {
  const ask = async (name: string): Promise<boolean> =>
    (await authorizer.authorize({ user, verb, isResourceRequest: true, namespace: '', apiGroup: GROUP, apiVersion: 'v1', resource: 'signers', subresource: '', name, path: '' })).decision === 'allow';
  if (await ask(signerName)) return true;
  const slash = signerName.indexOf('/');
  return slash > 0 && ask(`${signerName.slice(0, slash)}/*`);
}

const approvalOf = (csr: CertificateSigningRequest | null): string =>
  JSON.stringify((csr?.status?.conditions ?? []).filter((c) => c.type === 'Approved' || c.type === 'Denied').map((c) => [c.type, c.status]));

export function certificateAdmission(authorizer: Authorizer): AdmissionPlugin {
  return {
    name: 'CertificateApproval,CertificateSigning,CertificateSubjectRestriction',
    async validate(attrs: AdmissionAttributes) {
      if (attrs.def.group !== GROUP || attrs.def.resource !== 'certificatesigningrequests') return;
      const csr = attrs.object as CertificateSigningRequest | null;
      const old = attrs.oldObject as CertificateSigningRequest | null;
      const signerName = csr?.spec?.signerName ?? old?.spec?.signerName ?? '';
      const name = csr?.metadata.name ?? old?.metadata.name ?? '';
      if (attrs.operation === 'CREATE' && signerName === 'kubernetes.io/kube-apiserver-client') {
        let organizations: string[] = [];
        try {
          organizations = parseCsr(Buffer.from(csr?.spec?.request ?? '', 'base64').toString('utf8')).organizations;
        } catch {
          return; // validation reports the unreadable request
        }
        if (organizations.includes('system:masters')) {
          throw forbiddenMessage(gr, name, `use of ${signerName} signer with system:masters group is not allowed`);
        }
      }
      if (attrs.operation !== 'UPDATE') return;
      if (attrs.subresource === 'approval' && approvalOf(csr) !== approvalOf(old) && !(await mayUseSigner(authorizer, attrs.ctx.user, 'approve', signerName))) {
        throw forbiddenMessage(gr, name, `user not permitted to approve requests with signerName "${signerName}"`);
      }
      if (attrs.subresource === 'status' && (csr?.status?.certificate ?? '') !== (old?.status?.certificate ?? '') && !(await mayUseSigner(authorizer, attrs.ctx.user, 'sign', signerName))) {
        throw forbiddenMessage(gr, name, `user not permitted to sign requests with signerName "${signerName}"`);
      }
    },
  };
}
