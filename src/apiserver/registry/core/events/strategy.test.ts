import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { StatusError } from '../../../../apimachinery/errors.js';
import { adminCtx, memoryRegistry } from '../test-helpers.js';
import { eventCells, events } from './storage.js';
import type { Event } from './strategy.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const ev = (extra: Partial<Event> = {}): Event =>
  ({
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web-1.17a8b3c4d5e6f7a8', namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', fieldPath: 'spec.containers{web}' },
    reason: 'Pulled',
    message: 'Successfully pulled image "nginx" ',
    source: { component: 'kubelet', host: 'n1' },
    firstTimestamp: '2024-05-01T11:50:00Z',
    lastTimestamp: '2024-05-01T11:55:00Z',
    count: 3,
    type: 'Normal',
    ...extra,
  }) as Event;

test('table cells: LAST SEEN TYPE REASON OBJECT (SUBOBJECT SOURCE) MESSAGE (FIRST SEEN COUNT)', () => {
  assert.deepEqual(eventCells(ev(), NOW), ['5m', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{web}', 'kubelet, n1', 'Successfully pulled image "nginx"', '10m', 3]);
  const fresh = ev({ firstTimestamp: undefined, lastTimestamp: undefined, count: undefined, eventTime: '2024-05-01T11:59:30.000000Z', reportingComponent: 'kite-scheduler', source: undefined });
  assert.deepEqual(eventCells(fresh, NOW).slice(0, 1).concat(eventCells(fresh, NOW).slice(5, 6), eventCells(fresh, NOW).slice(8)), ['30s', 'kite-scheduler', 1]);
  assert.deepEqual(events.table!.columns.filter((c) => !c.priority).map((c) => c.name), ['Last Seen', 'Type', 'Reason', 'Object', 'Message']);
});

test('field selectors kubectl describe and events use', () => {
  const fields = Object.fromEntries(Object.entries(events.selectableFields!).map(([k, get]) => [k, get(ev())]));
  assert.equal(fields['involvedObject.kind'], 'Pod');
  assert.equal(fields['involvedObject.name'], 'web-1');
  assert.equal(fields['involvedObject.namespace'], 'default');
  assert.equal(fields['involvedObject.fieldPath'], 'spec.containers{web}');
  assert.equal(fields.reason, 'Pulled');
  assert.equal(fields.source, 'kubelet');
  assert.equal(fields.type, 'Normal');
  assert.deepEqual(events.shortNames, ['ev']);
});

test('validation: the involved object namespace must match; PUT creates', async () => {
  const { registry } = memoryRegistry(events);
  const wrong = await registry.create(adminCtx('kube-system'), ev({ metadata: { name: 'x' } })).catch((e: StatusError) => e);
  assert.equal((wrong as StatusError).status.message, 'Event "x" is invalid: involvedObject.namespace: Invalid value: "default": does not match event.namespace');
  // Events about cluster-scoped objects live in "default".
  await registry.create(adminCtx('default'), ev({ metadata: { name: 'node-ev' }, involvedObject: { kind: 'Node', name: 'n1' } }));
  const { created } = await registry.update(adminCtx('default'), 'put-made', () => ev({ metadata: { name: 'put-made' } }));
  assert.equal(created, true);
  const newStyle = await registry.create(adminCtx('default'), ev({ metadata: { name: 'n' }, eventTime: '2024-05-01T11:59:30.000000Z' })).catch((e: StatusError) => e);
  const text = (newStyle as StatusError).status.message ?? '';
  assert.match(text, /reportingComponent: Required value/);
  assert.match(text, /reportingInstance: Required value/);
  assert.match(text, /action: Required value/);
});
