import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';
import { MESSAGE_STATUS_UNKNOWN, NodeHealth, REASON_NEVER_UPDATED, REASON_STATUS_UNKNOWN, unknownConditions } from './health.js';
import { TAINT_NOT_READY, TAINT_UNREACHABLE, desiredManagedTaints, reconcileTaints, tolerationSeconds } from './taints.js';

const node = (conditions: NodeCondition[], extra: Partial<Node['spec']> = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec: { ...extra },
  status: { conditions },
});
const ready = (status: string): NodeCondition => ({ type: 'Ready', status, lastHeartbeatTime: '2024-01-01T00:00:10Z', lastTransitionTime: '2024-01-01T00:00:00Z' });

test('desired taints follow the Ready condition, pressure conditions and unschedulable', () => {
  assert.deepEqual(desiredManagedTaints(node([ready('True')])), []);
  assert.deepEqual(desiredManagedTaints(node([ready('False')])).map((t) => `${t.key}:${t.effect}`), [`${TAINT_NOT_READY}:NoExecute`, `${TAINT_NOT_READY}:NoSchedule`]);
  assert.deepEqual(desiredManagedTaints(node([ready('Unknown')])).map((t) => `${t.key}:${t.effect}`), [`${TAINT_UNREACHABLE}:NoExecute`, `${TAINT_UNREACHABLE}:NoSchedule`]);
  assert.deepEqual(desiredManagedTaints(node([])).map((t) => t.key), [TAINT_UNREACHABLE, TAINT_UNREACHABLE], 'no Ready condition counts as Unknown');
  const pressured = node([ready('True'), { type: 'MemoryPressure', status: 'True' }, { type: 'DiskPressure', status: 'False' }], { unschedulable: true });
  assert.deepEqual(desiredManagedTaints(pressured).map((t) => t.key), ['node.kubernetes.io/unschedulable', 'node.kubernetes.io/memory-pressure']);
});

test('reconcile keeps unmanaged taints and timeAdded, stamps new NoExecute taints, and reports no change as undefined', () => {
  const now = Date.UTC(2024, 0, 1, 1);
  const user = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
  const added = reconcileTaints([user], [{ key: TAINT_UNREACHABLE, effect: 'NoExecute' }, { key: TAINT_UNREACHABLE, effect: 'NoSchedule' }], now)!;
  assert.deepEqual(added, [user, { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: '2024-01-01T01:00:00Z' }, { key: TAINT_UNREACHABLE, effect: 'NoSchedule' }]);
  assert.equal(reconcileTaints(added, [{ key: TAINT_UNREACHABLE, effect: 'NoExecute' }, { key: TAINT_UNREACHABLE, effect: 'NoSchedule' }], now + 5000), undefined);
  assert.deepEqual(reconcileTaints(added, [], now), [user], 'recovery removes only managed taints');
  assert.equal(reconcileTaints(undefined, [], now), undefined);
});

test('toleration time: untolerated evicts now, unbounded never, else the smallest tolerationSeconds', () => {
  const unreachable = [{ key: TAINT_UNREACHABLE, effect: 'NoExecute' }];
  assert.equal(tolerationSeconds(unreachable, undefined), 0);
  assert.equal(tolerationSeconds(unreachable, [{ key: TAINT_NOT_READY, operator: 'Exists', effect: 'NoExecute' }]), 0);
  assert.equal(tolerationSeconds(unreachable, [{ operator: 'Exists' }]), Infinity);
  assert.equal(tolerationSeconds(unreachable, [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { operator: 'Exists', tolerationSeconds: 20 }]), 20);
  assert.equal(tolerationSeconds(unreachable, [{ key: TAINT_UNREACHABLE, operator: 'Exists', tolerationSeconds: -5 }]), 0);
  assert.equal(tolerationSeconds([], undefined), Infinity);
});

test('health: sign of life is a new heartbeat or a newer lease, timed by the observer', () => {
  const health = new NodeHealth();
  const n = node([ready('True')]);
  const lease = (renewTime: string) => ({ spec: { renewTime } });
  assert.equal(health.observe(n, lease('2024-01-01T00:00:10.000000Z'), 1000), 1000);
  assert.equal(health.observe(n, lease('2024-01-01T00:00:10.000000Z'), 5000), 1000, 'nothing new');
  assert.equal(health.observe(n, lease('2024-01-01T00:00:20.000000Z'), 9000), 9000, 'lease renewed');
  const beat = node([{ ...ready('True'), lastHeartbeatTime: '2024-01-01T00:01:00Z' }]);
  assert.equal(health.observe(beat, lease('2024-01-01T00:00:20.000000Z'), 12000), 12000, 'status heartbeat');
});

test('unknown conditions: kubelet conditions go Unknown with upstream reasons; missing ones are never-updated', () => {
  const n = node([ready('True'), { type: 'MemoryPressure', status: 'False', lastTransitionTime: 'x' }, { type: 'NetworkUnavailable', status: 'False' }]);
  const out = unknownConditions(n, Date.UTC(2024, 0, 1, 2))!;
  const byType = Object.fromEntries(out.map((c) => [c.type, c]));
  assert.equal(byType.Ready!.status, 'Unknown');
  assert.equal(byType.Ready!.reason, REASON_STATUS_UNKNOWN);
  assert.equal(byType.Ready!.message, MESSAGE_STATUS_UNKNOWN);
  assert.equal(byType.Ready!.lastHeartbeatTime, '2024-01-01T00:00:10Z', 'heartbeat kept');
  assert.equal(byType.Ready!.lastTransitionTime, '2024-01-01T02:00:00Z');
  assert.equal(byType.DiskPressure!.reason, REASON_NEVER_UPDATED);
  assert.equal(byType.NetworkUnavailable!.status, 'False', 'not a kubelet condition');
  assert.equal(unknownConditions({ ...n, status: { conditions: out } }, Date.UTC(2024, 0, 1, 3)), undefined);
});
