import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../apimachinery/meta.js';
import { selfSubjectReviewHandler, selfSubjectReviews } from './self-subject-reviews.js';

const body = { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: { name: 'ignored' } } as KubeObject;
const at = () => new Date('2030-01-02T03:04:05.678Z');

test('SelfSubjectReview is a cluster-scoped, create-only virtual resource in authentication.k8s.io/v1', () => {
  assert.equal(selfSubjectReviews.group, 'authentication.k8s.io');
  assert.equal(selfSubjectReviews.resource, 'selfsubjectreviews');
  assert.deepEqual(selfSubjectReviews.verbs, ['create']);
  assert.equal(selfSubjectReviews.namespaced, false);
  assert.equal(selfSubjectReviews.virtual, true);
});

test('the review reports the caller as authentication found it', async () => {
  const user = {
    name: 'system:serviceaccount:ns:sa',
    uid: 'u-1',
    groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'],
    extra: { 'authentication.kubernetes.io/pod-name': ['web'] },
  };
  const review = await selfSubjectReviewHandler(at)({ user, namespace: '', dryRun: false }, body);
  assert.deepEqual(review, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
    metadata: { creationTimestamp: '2030-01-02T03:04:05Z' },
    status: { userInfo: { username: user.name, uid: 'u-1', groups: user.groups, extra: user.extra } },
  });
});

test('empty uid and extra are left out, as Go omits them', async () => {
  const review = await selfSubjectReviewHandler(at)({ user: { name: 'system:admin', groups: ['system:masters'] }, namespace: '', dryRun: false }, body);
  assert.deepEqual(review.status, { userInfo: { username: 'system:admin', groups: ['system:masters'] } });
});
