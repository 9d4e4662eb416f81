import { humanDuration } from '../../../../apimachinery/duration.js';
import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { csrApprovalStrategy, csrConditionText, csrStatusStrategy, csrStrategy } from './strategy.js';
import type { CertificateSigningRequest } from './types.js';

export const certificatesigningrequests = defineResource<CertificateSigningRequest>({
  group: 'certificates.k8s.io',
  version: 'v1',
  kind: 'CertificateSigningRequest',
  resource: 'certificatesigningrequests',
  singular: 'certificatesigningrequest',
  shortNames: ['csr'],
  namespaced: false,
  // "We don't care what you call your certificate requests." (ValidateCertificateRequestName)
  nameValidator: () => [],
  strategy: csrStrategy,
  statusStrategy: csrStatusStrategy,
  subresourceStrategies: { approval: csrApprovalStrategy },
  extraSubresources: [{ name: 'approval', group: 'certificates.k8s.io', version: 'v1', kind: 'CertificateSigningRequest', verbs: ['get', 'patch', 'update'] }],
  table: {
    columns: [
      { name: 'Age', type: 'string', description: 'Time since creation' },
      { name: 'SignerName', type: 'string', description: 'The name of the signer requested' },
      { name: 'Requestor', type: 'string', description: 'Name of the user who requested the certificate' },
      { name: 'RequestedDuration', type: 'string', description: 'The requested duration of the certificate' },
      { name: 'Condition', type: 'string', description: 'The current state of the request' },
    ],
    cells: (csr, now) => [
      age(csr, now),
      csr.spec?.signerName || '<none>',
      csr.spec?.username ?? '',
      csr.spec?.expirationSeconds !== undefined ? humanDuration(csr.spec.expirationSeconds * 1000) : '<none>',
      csrConditionText(csr),
    ],
  },
  selectableFields: { 'spec.signerName': (csr) => csr.spec?.signerName ?? '' },
});
