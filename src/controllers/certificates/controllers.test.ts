import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CertificateSigningRequest } from '../../apiserver/registry/certificates/certificatesigningrequests/types.js';
import { FakeClient } from '../../client/fake/fake-client.js';
import { Indexer } from '../../client/indexer.js';
import { Lister } from '../../client/lister.js';
import type { ApiObject } from '../../client/types.js';
import { createCa } from '../../pki/ca.js';
import { createCsr } from '../../pki/csr.js';
import * as x509 from '../../pki/x509.js';
import { CsrApprovingController, type NodeLike } from './approver.js';
import { CsrSigningController } from './signer.js';
import { CsrCleaner, PENDING_EXPIRATION_MS, csrDeadline } from './cleaner.js';

async function csr(name: string, signerName: string, who: { username: string; groups: string[] }, subject: { cn: string; o: string[]; dns?: string[]; ips?: string[] }, usages: string[], approved = false): Promise<CertificateSigningRequest> {
  const { csrPem } = await createCsr({ commonName: subject.cn, organizations: subject.o, dns: subject.dns, ips: subject.ips });
  return {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name, resourceVersion: '1' },
    spec: { request: Buffer.from(csrPem).toString('base64'), signerName, usages, ...who },
    ...(approved ? { status: { conditions: [{ type: 'Approved', status: 'True' }] } } : {}),
  };
}

/** The fake answers writes with what was sent (the objects live in the listers only). */
function echoWrites(client: FakeClient): FakeClient {
  client.prependReactor((a) => (a.verb === 'update' ? a.object : undefined));
  return client;
}

function lister<T extends ApiObject>(...objs: T[]): Lister<T> {
  const indexer = new Indexer<T>();
  for (const o of objs) indexer.set(o.metadata!.name!, o);
  return new Lister(indexer);
}

const bootstrapper = { username: 'system:bootstrap:abcdef', groups: ['system:bootstrappers', 'system:authenticated'] };
const node1 = { username: 'system:node:n1', groups: ['system:nodes', 'system:authenticated'] };
const nodeSubject = { cn: 'system:node:n1', o: ['system:nodes'] };
const CLIENT_KUBELET = 'kubernetes.io/kube-apiserver-client-kubelet';

test('approver: node client CSRs after a SubjectAccessReview, serving CSRs for the node\'s own addresses only', async () => {
  const client = echoWrites(new FakeClient());
  const reviews: Array<{ user: string; subresource: string }> = [];
  client.prependReactor((a) => {
    if (a.verb !== 'create' || !a.resource.endsWith('/subjectaccessreviews')) return undefined;
    const spec = (a.object as { spec: { user: string; resourceAttributes: { subresource: string } } }).spec;
    reviews.push({ user: spec.user, subresource: spec.resourceAttributes.subresource });
    // bootstrappers may have nodeclient; nodes selfnodeclient
    const allowed = (spec.user.startsWith('system:bootstrap:') && spec.resourceAttributes.subresource === 'nodeclient')
      || (spec.user === 'system:node:n1' && spec.resourceAttributes.subresource === 'selfnodeclient');
    return { ...(a.object as object), status: { allowed } };
  });
  const node: NodeLike = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.0.5' }, { type: 'Hostname', address: 'host-a' }] } };
  const requests = [
    await csr('join', CLIENT_KUBELET, bootstrapper, nodeSubject, ['digital signature', 'client auth']),
    await csr('renew', CLIENT_KUBELET, node1, nodeSubject, ['digital signature', 'client auth']),
    await csr('admin-wannabe', CLIENT_KUBELET, bootstrapper, { cn: 'system:node:n1', o: ['system:masters'] }, ['client auth']),
    await csr('serving-ok', 'kubernetes.io/kubelet-serving', node1, { ...nodeSubject, dns: ['n1', 'host-a'], ips: ['10.0.0.5'] }, ['digital signature', 'server auth']),
    await csr('serving-foreign-ip', 'kubernetes.io/kubelet-serving', node1, { ...nodeSubject, dns: ['n1'], ips: ['10.9.9.9'] }, ['digital signature', 'server auth']),
    await csr('user', 'kubernetes.io/kube-apiserver-client', bootstrapper, { cn: 'jane', o: [] }, ['client auth']),
  ];
  const controller = new CsrApprovingController(client, lister(...requests), lister(node));
  for (const r of requests) await controller.sync(r.metadata.name!);
  const approved = client.actions.filter((a) => a.verb === 'update' && a.subresource === 'approval').map((a) => a.name);
  assert.deepEqual(approved, ['join', 'renew', 'serving-ok']);
  assert.deepEqual(reviews, [
    { user: 'system:bootstrap:abcdef', subresource: 'nodeclient' },
    { user: 'system:node:n1', subresource: 'selfnodeclient' },
  ]);
  const condition = (client.actions.find((a) => a.name === 'join')!.object as CertificateSigningRequest).status!.conditions![0]!;
  assert.equal(condition.reason, 'AutoApproved');
  assert.equal(condition.message, 'Auto approving kubelet client certificate after SubjectAccessReview.');
});

test('signer: approved requests get a certificate from the right CA; a bad request gets Failed', async () => {
  const clientCa = await createCa({ namePrefix: 'client' });
  const servingCa = await createCa({ namePrefix: 'serving' });
  const client = echoWrites(new FakeClient());
  const requests = [
    await csr('join', CLIENT_KUBELET, bootstrapper, nodeSubject, ['digital signature', 'client auth'], true),
    await csr('serving', 'kubernetes.io/kubelet-serving', node1, { ...nodeSubject, dns: ['n1'], ips: ['10.0.0.5'] }, ['digital signature', 'server auth'], true),
    await csr('masters', CLIENT_KUBELET, bootstrapper, { cn: 'system:node:n1', o: ['system:masters'] }, ['client auth'], true),
    await csr('pending', CLIENT_KUBELET, bootstrapper, nodeSubject, ['client auth']),
    await csr('other-signer', 'example.com/mine', bootstrapper, nodeSubject, ['client auth'], true),
  ];
  requests[1]!.spec!.expirationSeconds = 3600;
  const controller = new CsrSigningController(client, lister(...requests), { client: clientCa, serving: servingCa });
  for (const r of requests) await controller.sync(r.metadata.name!);
  const written = new Map(client.actions.filter((a) => a.verb === 'update' && a.subresource === 'status').map((a) => [a.name!, a.object as CertificateSigningRequest]));
  assert.deepEqual([...written.keys()], ['join', 'serving', 'masters']);
  const cert = (name: string): x509.X509Certificate => new x509.X509Certificate(Buffer.from(written.get(name)!.status!.certificate!, 'base64').toString());
  assert.equal(cert('join').issuer, clientCa.cert.subject);
  assert.deepEqual(cert('join').subjectName.getField('O'), ['system:nodes']);
  assert.equal(cert('serving').issuer, servingCa.cert.subject);
  const hours = (cert('serving').notAfter.getTime() - Date.now()) / 3600_000;
  assert.ok(hours > 0.9 && hours <= 1.01, 'expirationSeconds is honoured');
  const failed = written.get('masters')!.status!;
  assert.equal(failed.certificate, undefined);
  assert.equal(failed.conditions!.at(-1)!.type, 'Failed');
  assert.equal(failed.conditions!.at(-1)!.message, 'subject O must be exactly ["system:nodes"]');
});

test('cleaner: decided requests go an hour after the decision, pending ones after a day', async () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const at = (ms: number): string => new Date(t0 + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const pending = await csr('pending', CLIENT_KUBELET, bootstrapper, nodeSubject, ['client auth']);
  pending.metadata.creationTimestamp = at(0);
  const approved = await csr('approved', CLIENT_KUBELET, bootstrapper, nodeSubject, ['client auth']);
  approved.metadata.creationTimestamp = at(0);
  approved.status = { conditions: [{ type: 'Approved', status: 'True', lastUpdateTime: at(60_000) }] };
  assert.equal(csrDeadline(pending), t0 + PENDING_EXPIRATION_MS);
  assert.equal(csrDeadline(approved), t0 + 60_000 + 3600_000);

  let now = t0 + 2 * 3600_000;
  const clock = { now: () => now, setTimeout: () => 0 as never, clearTimeout: () => undefined };
  const client = echoWrites(new FakeClient());
  const cleaner = new CsrCleaner(client, lister(pending, approved), clock as never);
  await cleaner.sync('pending');
  await cleaner.sync('approved'); // the fake holds no such object: the cleaner takes NotFound as done
  assert.deepEqual(client.actions.filter((a) => a.verb === 'delete').map((a) => a.name), ['approved']);
  now = t0 + 25 * 3600_000;
  await cleaner.sync('pending');
  assert.deepEqual(client.actions.filter((a) => a.verb === 'delete').map((a) => a.name), ['approved', 'pending']);
});
