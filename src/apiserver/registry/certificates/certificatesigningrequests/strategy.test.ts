import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusError } from '../../../../apimachinery/errors.js';
import { createCsr } from '../../../../pki/csr.js';
import { memoryRegistry } from '../../core/test-helpers.js';
import type { RequestContext } from '../../generic/resource.js';
import { certificatesigningrequests } from './storage.js';
import { csrConditionText } from './strategy.js';
import type { CertificateSigningRequest } from './types.js';
import { validateCsr } from './validation.js';

const bootstrapper: RequestContext = {
  user: { name: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:authenticated'], extra: { x: ['y'] } },
  namespace: '',
  dryRun: false,
};
const admin: RequestContext = { user: { name: 'system:admin', groups: ['system:masters'] }, namespace: '', dryRun: false };

async function newCsr(name: string, over: Partial<NonNullable<CertificateSigningRequest['spec']>> = {}): Promise<CertificateSigningRequest> {
  const { csrPem } = await createCsr({ commonName: 'system:node:n1', organizations: ['system:nodes'] });
  return {
    apiVersion: 'certificates.k8s.io/v1',
    kind: 'CertificateSigningRequest',
    metadata: { name },
    spec: { request: Buffer.from(csrPem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'], ...over },
  };
}

const messages = (csr: CertificateSigningRequest): string[] => validateCsr(csr).items.map((e) => e.message);

test('validation uses Kubernetes\' messages', async () => {
  assert.deepEqual(messages(await newCsr('ok')), []);
  assert.deepEqual(messages(await newCsr('a', { request: Buffer.from('nope').toString('base64') })), [
    `spec.request: Invalid value: "${Buffer.from('nope').toString('base64')}": PEM block type must be CERTIFICATE REQUEST`,
  ]);
  assert.deepEqual(messages(await newCsr('b', { usages: [] })), ['spec.usages: Required value']);
  assert.deepEqual(messages(await newCsr('c', { usages: ['client auth', 'client auth'] })), ['spec.usages[1]: Duplicate value: "client auth"']);
  assert.match(messages(await newCsr('d', { usages: ['flying'] }))[0]!, /^spec\.usages\[0\]: Unsupported value: "flying": supported values: "any", /);
  assert.deepEqual(messages(await newCsr('e', { expirationSeconds: 60 })), ['spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds (10 minutes)']);
  assert.deepEqual(messages(await newCsr('f', { signerName: '' })), ['spec.signerName: Required value']);
  assert.deepEqual(messages(await newCsr('g', { signerName: 'kubernetes.io/legacy-unknown' })), [
    'spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version',
  ]);
  const both = await newCsr('h');
  both.status = { conditions: [{ type: 'Approved', status: 'True' }, { type: 'Denied', status: 'True' }] };
  assert.deepEqual(messages(both), ['status.conditions[1].type: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive']);
});

test('the requester is recorded from the caller; spec is immutable; approval and status are separate', async () => {
  const { registry } = memoryRegistry(certificatesigningrequests);
  const body = await newCsr('node-csr-1');
  body.spec!.username = 'system:admin'; // a requester cannot claim to be someone else
  body.spec!.groups = ['system:masters'];
  const created = (await registry.create(bootstrapper, body)) as CertificateSigningRequest;
  assert.equal(created.spec!.username, 'system:bootstrap:abcdef');
  assert.deepEqual(created.spec!.groups, ['system:bootstrappers', 'system:authenticated']);
  assert.deepEqual(created.spec!.extra, { x: ['y'] });
  assert.equal(csrConditionText(created), 'Pending');

  // spec changes through the main resource are dropped
  const up = await registry.update(admin, 'node-csr-1', async (cur) => ({ ...cur!, spec: { ...(cur!.spec as object), signerName: 'example.com/x' } }));
  assert.equal((up.object as CertificateSigningRequest).spec!.signerName, 'kubernetes.io/kube-apiserver-client-kubelet');

  // Approved through /status is ignored; through /approval it sticks
  const viaStatus = await registry.update(admin, 'node-csr-1', async (cur) => ({ ...cur!, status: { conditions: [{ type: 'Approved', status: 'True' }] } }), { subresource: 'status' });
  assert.equal(csrConditionText(viaStatus.object as CertificateSigningRequest), 'Pending');
  const approved = await registry.update(admin, 'node-csr-1', async (cur) => ({ ...cur!, status: { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove' }] } }), { subresource: 'approval' });
  const cond = (approved.object as CertificateSigningRequest).status!.conditions![0]!;
  assert.equal(cond.type, 'Approved');
  assert.ok(cond.lastUpdateTime, 'timestamps are filled in');

  // the signer writes the certificate through /status; it can then never change
  const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
  const issued = await registry.update(admin, 'node-csr-1', async (cur) => ({ ...cur!, status: { ...(cur!.status as object), certificate: Buffer.from(pem).toString('base64') } }), { subresource: 'status' });
  assert.equal(csrConditionText(issued.object as CertificateSigningRequest), 'Approved,Issued');
  await assert.rejects(
    registry.update(admin, 'node-csr-1', async (cur) => ({ ...cur!, status: { ...(cur!.status as object), certificate: Buffer.from(pem + pem).toString('base64') } }), { subresource: 'status' }),
    (err: StatusError) => err.code === 422 && /updates may not modify existing certificate content/.test(err.message),
  );
  // approval cannot be withdrawn
  await assert.rejects(
    registry.update(admin, 'node-csr-1', async (cur) => ({ ...cur!, status: { conditions: [] } }), { subresource: 'approval' }),
    (err: StatusError) => err.code === 422 && /updates may not remove a condition of type "Approved"/.test(err.message),
  );
});

test('table cells: signer, requestor, requested duration, condition', async () => {
  const csr = await newCsr('x', { expirationSeconds: 3600, username: 'system:node:n1' });
  csr.metadata.creationTimestamp = new Date(Date.now() - 5000).toISOString();
  csr.status = { conditions: [{ type: 'Denied', status: 'True' }] };
  const cells = certificatesigningrequests.table!.cells(csr, Date.now());
  assert.deepEqual(cells.slice(1), ['kubernetes.io/kube-apiserver-client-kubelet', 'system:node:n1', '60m', 'Denied']);
});
