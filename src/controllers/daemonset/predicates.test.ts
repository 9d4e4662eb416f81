import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeTemplateHash, safeEncode } from './hash.js';
import { daemonPodTemplate, pinToNode } from './pod-template.js';
import { daemonPodTolerations, nodeShouldRunDaemonPod, targetNodeName } from './predicates.js';
import type { Node, PodTemplateSpec, Taint } from './types.js';

const node = (name: string, labels: Record<string, string> = {}, taints: Taint[] = []): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels },
  spec: { taints },
});
const template = (spec: Partial<NonNullable<PodTemplateSpec['spec']>> = {}): PodTemplateSpec => ({
  metadata: { labels: { app: 'agent' } },
  spec: { containers: [{ name: 'a', image: 'agent' }], ...spec },
});

test('placement: nodeSelector, required affinity (labels and metadata.name), nodeName', () => {
  assert.deepEqual(nodeShouldRunDaemonPod(node('a'), template()), { shouldRun: true, shouldContinueRunning: true });
  assert.equal(nodeShouldRunDaemonPod(node('a', { disk: 'ssd' }), template({ nodeSelector: { disk: 'ssd' } })).shouldRun, true);
  assert.deepEqual(nodeShouldRunDaemonPod(node('a'), template({ nodeSelector: { disk: 'ssd' } })), { shouldRun: false, shouldContinueRunning: false });
  const affinity = (key: string, operator: string, values?: string[], field = false) => ({
    nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [field ? { matchFields: [{ key, operator, values }] } : { matchExpressions: [{ key, operator, values }] }] } },
  });
  assert.equal(nodeShouldRunDaemonPod(node('a', { zone: 'z1' }), template({ affinity: affinity('zone', 'In', ['z1', 'z2']) })).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node('a', { zone: 'z3' }), template({ affinity: affinity('zone', 'In', ['z1', 'z2']) })).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(node('a'), template({ affinity: affinity('gpu', 'DoesNotExist') })).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node('a'), template({ affinity: affinity('metadata.name', 'In', ['b'], true) })).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(node('b'), template({ affinity: affinity('metadata.name', 'In', ['b'], true) })).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node('a'), template({ nodeName: 'b' })).shouldRun, false);
});

test('taints: automatic tolerations cover node conditions; other NoSchedule taints stop new pods, NoExecute ones evict', () => {
  const t = (key: string, effect: string) => ({ key, effect });
  assert.equal(nodeShouldRunDaemonPod(node('a', {}, [t('node.kubernetes.io/unreachable', 'NoExecute'), t('node.kubernetes.io/unschedulable', 'NoSchedule')]), template()).shouldRun, true);
  assert.deepEqual(nodeShouldRunDaemonPod(node('a', {}, [t('dedicated', 'NoSchedule')]), template()), { shouldRun: false, shouldContinueRunning: true });
  assert.deepEqual(nodeShouldRunDaemonPod(node('a', {}, [t('dedicated', 'NoExecute')]), template()), { shouldRun: false, shouldContinueRunning: false });
  assert.equal(nodeShouldRunDaemonPod(node('a', {}, [t('dedicated', 'NoSchedule')]), template({ tolerations: [{ key: 'dedicated', operator: 'Exists' }] })).shouldRun, true);
  assert.equal(nodeShouldRunDaemonPod(node('a', {}, [t('node.kubernetes.io/network-unavailable', 'NoSchedule')]), template()).shouldRun, false);
  assert.equal(nodeShouldRunDaemonPod(node('a', {}, [t('node.kubernetes.io/network-unavailable', 'NoSchedule')]), template({ hostNetwork: true })).shouldRun, true);
  const tolerations = daemonPodTolerations({ containers: [], tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }] });
  assert.equal(tolerations.filter((x) => x.key === 'node.kubernetes.io/unreachable').length, 1);
  assert.equal(tolerations.find((x) => x.key === 'node.kubernetes.io/unreachable')?.tolerationSeconds, undefined, 'the automatic toleration replaces a bounded one');
});

test('pod template: hash label, tolerations, node pinned by affinity (preferred terms kept) or by nodeName', () => {
  const preferred = [{ weight: 1, preference: { matchExpressions: [{ key: 'x', operator: 'Exists' }] } }];
  const tpl = template({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: preferred, requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }] }] } } } });
  const pod = daemonPodTemplate(tpl, 'n7', 'abc', false);
  assert.equal(pod.metadata?.labels?.['controller-revision-hash'], 'abc');
  assert.equal(pod.metadata?.labels?.app, 'agent');
  assert.deepEqual(pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }] }] });
  assert.deepEqual(pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution, preferred);
  assert.equal(pod.spec?.nodeName, undefined);
  assert.equal(targetNodeName(pod), 'n7');
  assert.ok(pod.spec?.tolerations?.some((t) => t.key === 'node.kubernetes.io/not-ready'));
  assert.equal(tpl.spec?.tolerations, undefined, 'the DaemonSet template is not mutated');
  const bound = daemonPodTemplate(tpl, 'n7', 'abc', true);
  assert.equal(bound.spec?.nodeName, 'n7');
  assert.deepEqual(pinToNode(undefined, 'x').nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values, ['x']);
});

test('template hash: stable under key order, changes with the template and the collision count, safe alphabet', () => {
  const a = computeTemplateHash({ spec: { containers: [{ name: 'a', image: 'x:1' }] }, metadata: { labels: { app: 'a' } } });
  const b = computeTemplateHash({ metadata: { labels: { app: 'a' } }, spec: { containers: [{ image: 'x:1', name: 'a' }] } });
  assert.equal(a, b);
  assert.match(a, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.notEqual(computeTemplateHash({ spec: { containers: [{ name: 'a', image: 'x:2' }] }, metadata: { labels: { app: 'a' } } }), a);
  assert.notEqual(computeTemplateHash({ spec: { containers: [{ name: 'a', image: 'x:1' }] }, metadata: { labels: { app: 'a' } } }, 1), a);
  assert.equal(safeEncode('0123456789'), '456789bcdf');
});
