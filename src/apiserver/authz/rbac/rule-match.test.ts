import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyRule } from '../../registry/rbac/rbac-validation.js';
import { type RequestAttributes, nonResourceURLMatches, resourceMatches, ruleAllows, rulesAllow } from './rule-match.js';

const req = (over: Partial<RequestAttributes>): RequestAttributes => ({
  verb: 'get',
  isResourceRequest: true,
  apiGroup: '',
  resource: 'pods',
  subresource: '',
  name: '',
  path: '',
  ...over,
});

test('verbs, groups and resources match exactly or through "*"', () => {
  const rule: PolicyRule = { verbs: ['get', 'list'], apiGroups: [''], resources: ['pods'] };
  assert.equal(ruleAllows(req({ verb: 'list' }), rule), true);
  assert.equal(ruleAllows(req({ verb: 'create' }), rule), false);
  assert.equal(ruleAllows(req({ apiGroup: 'apps' }), rule), false);
  assert.equal(ruleAllows(req({ resource: 'services' }), rule), false);
  const all: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
  assert.equal(ruleAllows(req({ verb: 'deletecollection', apiGroup: 'apps', resource: 'deployments', subresource: 'scale' }), all), true);
  assert.equal(ruleAllows(req({ verb: 'impersonate', resource: 'users', name: 'jane' }), all), true);
});

test('a subresource needs "resource/subresource" or "*/subresource"; the resource alone does not grant it', () => {
  const podsOnly: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['pods'] };
  assert.equal(ruleAllows(req({ subresource: 'log' }), podsOnly), false);
  const podLogs: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['pods/log'] };
  assert.equal(ruleAllows(req({ subresource: 'log' }), podLogs), true);
  assert.equal(ruleAllows(req({}), podLogs), false, 'pods/log does not grant pods');
  const anyStatus: PolicyRule = { verbs: ['get'], apiGroups: ['*'], resources: ['*/status'] };
  assert.equal(ruleAllows(req({ subresource: 'status' }), anyStatus), true);
  assert.equal(ruleAllows(req({ apiGroup: 'apps', resource: 'deployments', subresource: 'status' }), anyStatus), true);
  assert.equal(ruleAllows(req({ subresource: 'log' }), anyStatus), false);
  assert.equal(ruleAllows(req({}), anyStatus), false, '*/status does not grant the resource');
  assert.equal(resourceMatches(anyStatus, 'pods/xstatus', 'xstatus'), false);
});

test('resourceNames limit a rule to those names; an empty list means every name', () => {
  const named: PolicyRule = { verbs: ['get', 'update'], apiGroups: [''], resources: ['configmaps'], resourceNames: ['app-config'] };
  assert.equal(ruleAllows(req({ resource: 'configmaps', name: 'app-config' }), named), true);
  assert.equal(ruleAllows(req({ resource: 'configmaps', name: 'other' }), named), false);
  assert.equal(ruleAllows(req({ resource: 'configmaps', verb: 'list' }), named), false, 'a list has no name');
  const unnamed: PolicyRule = { ...named, resourceNames: [] };
  assert.equal(ruleAllows(req({ resource: 'configmaps', name: 'other' }), unnamed), true);
});

test('nonResourceURLs match exactly, or by prefix with a trailing "*"', () => {
  const rule: PolicyRule = { verbs: ['get'], nonResourceURLs: ['/healthz', '/apis/*'] };
  const path = (p: string, verb = 'get') => req({ isResourceRequest: false, verb, path: p, resource: '' });
  assert.equal(ruleAllows(path('/healthz'), rule), true);
  assert.equal(ruleAllows(path('/healthz/etcd'), rule), false);
  assert.equal(ruleAllows(path('/apis/apps/v1'), rule), true);
  assert.equal(ruleAllows(path('/apis'), rule), false, '"/apis/*" needs the slash');
  assert.equal(ruleAllows(path('/healthz', 'post'), rule), false);
  assert.equal(nonResourceURLMatches({ nonResourceURLs: ['*'] }, '/anything'), true);
});

test('resource rules never grant non-resource paths and URL rules never grant resources', () => {
  const resources: PolicyRule = { verbs: ['*'], apiGroups: ['*'], resources: ['*'] };
  const urls: PolicyRule = { verbs: ['*'], nonResourceURLs: ['*'] };
  assert.equal(ruleAllows(req({ isResourceRequest: false, path: '/metrics' }), resources), false);
  assert.equal(ruleAllows(req({}), urls), false);
  assert.equal(rulesAllow(req({}), [urls, resources]), true);
  assert.equal(rulesAllow(req({}), []), false);
});
