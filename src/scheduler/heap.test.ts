import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedHeap } from './heap.js';

interface Item { k: string; v: number }

describe('KeyedHeap', () => {
  it('keeps order through random pushes, updates and deletes', () => {
    const heap = new KeyedHeap<Item>((i) => i.k, (a, b) => a.v < b.v);
    const model = new Map<string, number>();
    let seed = 7;
    const rnd = (n: number): number => (seed = (seed * 48271) % 2147483647) % n;
    for (let step = 0; step < 5000; step++) {
      const k = `k${rnd(200)}`;
      const op = rnd(3);
      if (op < 2) {
        const v = rnd(1000);
        heap.push({ k, v });
        model.set(k, v);
      } else {
        assert.equal(heap.delete(k)?.v, model.get(k));
        model.delete(k);
      }
      assert.equal(heap.size, model.size);
    }
    const out: number[] = [];
    for (let i = heap.pop(); i; i = heap.pop()) out.push(i.v);
    assert.deepEqual(out, [...model.values()].sort((a, b) => a - b));
  });
});
