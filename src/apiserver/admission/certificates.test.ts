import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusError } from '../../apimachinery/errors.js';
import { createCsr } from '../../pki/csr.js';
import type { Authorizer } from '../authz/authorizer.js';
import { certificatesigningrequests } from '../registry/certificates/certificatesigningrequests/storage.js';
import type { CertificateSigningRequest } from '../registry/certificates/certificatesigningrequests/types.js';
import type { ResourceDefinition } from '../registry/generic/resource.js';
import type { AdmissionOperation } from './admission.js';
import { certificateAdmission } from './certificates.js';

// jane may approve (not sign) example.com/* signers; nobody else may do anything
const authorizer: Authorizer = {
  name: 'test',
  authorize: (a) => ({ decision: a.user.name === 'jane' && a.verb === 'approve' && a.resource === 'signers' && a.name === 'example.com/*' ? 'allow' : 'noOpinion' }),
};
const plugin = certificateAdmission(authorizer);

async function csr(signerName: string, o: string[]): Promise<CertificateSigningRequest> {
  const { csrPem } = await createCsr({ commonName: 'someone', organizations: o });
  return { apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'x' }, spec: { request: Buffer.from(csrPem).toString('base64'), signerName, usages: ['client auth'] } };
}

const run = (operation: AdmissionOperation, object: CertificateSigningRequest, oldObject: CertificateSigningRequest | null, subresource: string, user = 'jane'): Promise<void> =>
  Promise.resolve(plugin.validate!({ operation, def: certificatesigningrequests as unknown as ResourceDefinition, object, oldObject, subresource, ctx: { user: { name: user, groups: [] }, namespace: '', dryRun: false } }));

const forbidden = (message: string) => (err: StatusError) => err.code === 403 && err.message.endsWith(message);

test('no kube-apiserver-client certificate for system:masters', async () => {
  await assert.rejects(run('CREATE', await csr('kubernetes.io/kube-apiserver-client', ['system:masters']), null, ''),
    forbidden('use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed'));
  await run('CREATE', await csr('kubernetes.io/kube-apiserver-client', ['devs']), null, '');
});

test('approving needs approve on the signer (or its domain/*), issuing needs sign', async () => {
  const pending = await csr('example.com/mine', []);
  const approved = { ...pending, status: { conditions: [{ type: 'Approved', status: 'True' }] } };
  await run('UPDATE', approved, pending, 'approval'); // via example.com/*
  await assert.rejects(run('UPDATE', approved, pending, 'approval', 'bob'), forbidden('user not permitted to approve requests with signerName "example.com/mine"'));
  const issued = { ...approved, status: { ...approved.status, certificate: 'Y2VydA==' } };
  await assert.rejects(run('UPDATE', issued, approved, 'status'), forbidden('user not permitted to sign requests with signerName "example.com/mine"'));
  await run('UPDATE', approved, approved, 'status'); // no change to the certificate: nothing to check
});
