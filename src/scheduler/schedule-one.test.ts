import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FitError } from './fit-error.js';
import { Snapshot } from './framework.js';
import { newPodInfo } from './pod-info.js';
import { defaultProfile } from './plugins/index.js';
import { ScheduleAlgorithm, type ScheduleResult, numFeasibleNodesToFind } from './schedule-one.js';
import { makeNode, makePod } from './testing.js';

const ok = (r: ScheduleResult | FitError): ScheduleResult => {
  if (r instanceof FitError) throw r;
  return r;
};

describe('numFeasibleNodesToFind', () => {
  it('follows the adaptive formula', () => {
    assert.equal(numFeasibleNodesToFind(50), 50);
    assert.equal(numFeasibleNodesToFind(99), 99);
    assert.equal(numFeasibleNodesToFind(100), 100, '50% of 100 is raised to the 100 minimum');
    assert.equal(numFeasibleNodesToFind(500), 230, '46% of 500');
    assert.equal(numFeasibleNodesToFind(1000), 420, '42% of 1000');
    assert.equal(numFeasibleNodesToFind(5000), 500, '10% of 5000');
    assert.equal(numFeasibleNodesToFind(6000), 300, 'floored at 5%');
    assert.equal(numFeasibleNodesToFind(500, 100), 500);
    assert.equal(numFeasibleNodesToFind(500, 10), 100);
  });
});

describe('ScheduleAlgorithm', () => {
  it('aggregates reasons into the FailedScheduling message', () => {
    const s = new Snapshot();
    s.setNode(makeNode('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }));
    s.setNode(makeNode('w1', { cpu: '1' }));
    s.setNode(makeNode('w2', { cpu: '1' }));
    const r = new ScheduleAlgorithm(defaultProfile()).schedule(newPodInfo(makePod('p', { cpu: '2' })), s);
    assert.ok(r instanceof FitError);
    assert.equal(r.message, '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.');
  });

  it('says no nodes are available in an empty cluster', () => {
    const r = new ScheduleAlgorithm(defaultProfile()).schedule(newPodInfo(makePod('p')), new Snapshot());
    assert.ok(r instanceof FitError);
    assert.equal(r.message, 'no nodes available to schedule pods');
  });

  it('picks the only feasible node', () => {
    const s = new Snapshot();
    s.setNode(makeNode('a', { labels: { disk: 'hdd' } }));
    s.setNode(makeNode('b', { labels: { disk: 'ssd' } }));
    const r = ok(new ScheduleAlgorithm(defaultProfile()).schedule(newPodInfo(makePod('p', { nodeSelector: { disk: 'ssd' } })), s));
    assert.equal(r.nodeName, 'b');
    assert.equal(r.feasibleNodes, 1);
  });

  it('prefers the emptier node', () => {
    const s = new Snapshot();
    s.setNode(makeNode('busy'));
    s.setNode(makeNode('idle'));
    s.setPod(makePod('x', { cpu: '3', memory: '6Gi', nodeName: 'busy' }));
    const r = ok(new ScheduleAlgorithm(defaultProfile()).schedule(newPodInfo(makePod('p', { cpu: '100m', memory: '100Mi' })), s));
    assert.equal(r.nodeName, 'idle');
  });

  it('breaks ties at random among equal nodes', () => {
    const seen = new Set<string>();
    for (const roll of [0, 0.34, 0.67, 0.99]) {
      const s = new Snapshot();
      for (const n of ['a', 'b', 'c']) s.setNode(makeNode(n));
      const alg = new ScheduleAlgorithm(defaultProfile(), { random: () => roll });
      seen.add(ok(alg.schedule(newPodInfo(makePod('p')), s)).nodeName);
    }
    assert.ok(seen.size >= 2, `ties should not always pick the same node: ${[...seen]}`);
  });

  it('samples nodes above 100 and rotates the starting node', () => {
    const s = new Snapshot();
    for (let i = 0; i < 500; i++) s.setNode(makeNode(`n${i}`));
    const alg = new ScheduleAlgorithm(defaultProfile());
    const first = ok(alg.schedule(newPodInfo(makePod('p1')), s));
    assert.equal(first.evaluatedNodes, 230);
    assert.equal(first.feasibleNodes, 230);
    const second = ok(alg.schedule(newPodInfo(makePod('p2')), s));
    assert.equal(second.evaluatedNodes, 230);
    const all = ok(new ScheduleAlgorithm(defaultProfile(), { percentageOfNodesToScore: 100 }).schedule(newPodInfo(makePod('p3')), s));
    assert.equal(all.feasibleNodes, 500);
  });

  it('keeps looking past infeasible nodes until enough feasible ones are found', () => {
    const s = new Snapshot();
    for (let i = 0; i < 200; i++) s.setNode(makeNode(`n${i}`, { labels: { ok: String(i % 2 === 0) } }));
    const r = ok(new ScheduleAlgorithm(defaultProfile()).schedule(newPodInfo(makePod('p', { nodeSelector: { ok: 'true' } })), s));
    assert.equal(r.feasibleNodes, 100);
    assert.ok(r.evaluatedNodes >= 199);
  });
});
