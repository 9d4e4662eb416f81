// Watch and compaction cases of the store conformance suite (see conformance.ts).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { KeyValue, WatchEvent } from './store.js';
import { assertOrdered, collect, dec, enc, eventually, expectCode, sleep } from './conformance-helpers.js';
import type { CaseContext } from './conformance.js';

const summary = (e: WatchEvent): [string, string, string, number, string | undefined, number | undefined] =>
  [e.type, e.kv.key, dec(e.kv.value), e.revision, e.prevKv && dec(e.prevKv.value), e.prevKv?.modRevision];

export function registerWatchCases({ store, k, opts }: CaseContext): void {
  it('watches from a past revision: exactly the later events, in order, with prevKv', async () => {
    const s = store();
    await s.create(k('w/before'), enc('ignored'));
    const r0 = await s.currentRevision();
    const a = await s.create(k('w/a'), enc('a1'));
    await s.create(k('other/x'), enc('not watched'));
    const a2 = await s.update(k('w/a'), enc('a2'), a.modRevision);
    const b = await s.create(k('w/b'), enc('b1'));
    const del = await s.delete(k('w/a'));
    const w = collect(s, k('w/'), r0);
    const events = await w.waitForCount(4);
    await sleep(50);
    assert.equal(w.events.length, 4);
    assertOrdered(events);
    assert.deepEqual(events.map(summary), [
      ['PUT', k('w/a'), 'a1', a.modRevision, undefined, undefined],
      ['PUT', k('w/a'), 'a2', a2.modRevision, 'a1', a.modRevision],
      ['PUT', k('w/b'), 'b1', b.modRevision, undefined, undefined],
      ['DELETE', k('w/a'), 'a2', del.modRevision, 'a2', a2.modRevision],
    ]);
    assert.equal(events[1].kv.createRevision, a.modRevision);
    assert.equal(events[3].kv.createRevision, a.modRevision, 'a DELETE event keeps the createRevision');
    // Switches to live events without a gap or a duplicate.
    const c = await s.create(k('w/c'), enc('c1'));
    await w.waitForCount(5);
    assert.deepEqual(summary(w.events[4]), ['PUT', k('w/c'), 'c1', c.modRevision, undefined, undefined]);
    await sleep(50);
    assert.equal(w.events.length, 5);
    w.cancel();
    await s.create(k('w/d'), enc('after cancel'));
    await sleep(100);
    assert.equal(w.calledAfterCancel, false, 'no callback may run after cancel()');
    assert.equal(w.errors.length, 0);
  });

  it('delivers every event exactly once, in order, under 8 concurrent writers x 200 writes', { timeout: 60_000 }, async () => {
    const s = store();
    const base = await s.currentRevision();
    const fromStart = collect(s, k('load/'), base);
    const written = new Map<number, { key: string; value: string | null }>();
    let lateStart: ReturnType<typeof collect> | undefined;
    let lateFrom = 0;
    const writer = async (w: number): Promise<void> => {
      const key = k(`load/w${w}`);
      let kv: KeyValue = await s.create(key, enc(`${w}:0`));
      written.set(kv.modRevision, { key, value: `${w}:0` });
      for (let n = 1; n < 199; n++) {
        kv = await s.update(key, enc(`${w}:${n}`), kv.modRevision);
        written.set(kv.modRevision, { key, value: `${w}:${n}` });
        // Start two watches mid-load from past revisions: they replay, then go live.
        if (w === 0 && n === 60) {
          lateFrom = Math.max(base, kv.modRevision - 100);
          lateStart = collect(s, k('load/'), lateFrom);
        }
      }
      const d = await s.delete(key, kv.modRevision);
      written.set(d.modRevision, { key, value: null });
    };
    const midway = (async () => { await sleep(5); return collect(s, k('load/'), base); })();
    await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
    const total = 8 * 200;
    assert.equal(await s.currentRevision(), base + total);
    assert.equal(written.size, total);
    const expectedRevs = Array.from({ length: total }, (_, i) => base + 1 + i);
    const replayed = await midway;
    for (const [c, from] of [[fromStart, base], [replayed, base], [lateStart!, lateFrom]] as const) {
      const want = expectedRevs.filter((r) => r > from);
      await c.waitForCount(want.length, 30_000);
      await sleep(50);
      assert.deepEqual(c.events.map((e) => e.revision), want);
      assert.equal(c.errors.length, 0);
      const lastByKey = new Map<string, number>();
      for (const e of c.events) {
        const w = written.get(e.revision)!;
        assert.equal(e.kv.key, w.key);
        assert.equal(e.type, w.value === null ? 'DELETE' : 'PUT');
        if (w.value !== null) assert.equal(dec(e.kv.value), w.value);
        const prev = lastByKey.get(e.kv.key);
        if (prev !== undefined) assert.equal(e.prevKv?.modRevision, prev, `prevKv of ${e.revision}`);
        lastByKey.set(e.kv.key, e.revision);
      }
      c.cancel();
    }
  });

  it('answers a progress request with a revision covering every write, after their events', async () => {
    const s = store();
    const r0 = await s.currentRevision();
    await s.create(k('p/a'), enc('a'));
    const last = await s.create(k('other/b'), enc('b'));
    const seen: number[] = [];
    const progress = await new Promise<number>((resolve, reject) => {
      const w = s.watch(k('p/'), {
        afterRevision: r0,
        onEvents: (events) => seen.push(...events.map((e) => e.revision)),
        onError: reject,
        onProgress: (revision) => {
          w.cancel();
          resolve(revision);
        },
      });
      assert.ok(w.requestProgress, 'every kite backend supports progress requests');
      // Ask once live (a catching-up watch answers when it turns live).
      setTimeout(() => w.requestProgress?.(), 200);
    });
    assert.ok(progress >= last.modRevision, `progress ${progress} covers the last write ${last.modRevision}`);
    assert.equal(seen.length, 1, 'the watched event arrived before the progress notification');
  });

  it('resumes a cancelled watch from the last revision it saw', async () => {
    const s = store();
    const base = await s.currentRevision();
    const w1 = collect(s, k('r/'), base);
    for (let i = 0; i < 5; i++) await s.create(k(`r/${i}`), enc(`v${i}`));
    await w1.waitForCount(5);
    w1.cancel();
    const last = w1.events[w1.events.length - 1].revision;
    const more: number[] = [];
    for (let i = 0; i < 3; i++) {
      const cur = (await s.get(k(`r/${i}`)))!;
      more.push((await s.update(k(`r/${i}`), enc(`u${i}`), cur.modRevision)).modRevision);
    }
    more.push((await s.delete(k('r/4'))).modRevision);
    const w2 = collect(s, k('r/'), last);
    await w2.waitForCount(4);
    await sleep(50);
    assert.equal(w1.events.length, 5);
    assert.equal(w1.calledAfterCancel, false);
    assert.deepEqual(w2.events.map((e) => e.revision), more);
    assert.deepEqual(w2.events.map((e) => e.type), ['PUT', 'PUT', 'PUT', 'DELETE']);
    w2.cancel();
  });

  it('after compact(R): older reads and watches fail with Expired, current reads work', async () => {
    const s = store();
    const a1 = await s.create(k('c/a'), enc('a1'));
    const a2 = await s.update(k('c/a'), enc('a2'), a1.modRevision);
    const b1 = await s.create(k('c/b'), enc('b1'));
    await s.delete(k('c/b'), b1.modRevision);
    const c1 = await s.create(k('c/c'), enc('c1'));
    const a3 = await s.update(k('c/a'), enc('a3'), a2.modRevision);
    const R = c1.modRevision;
    await s.compact(R);
    const poll = (check: () => Promise<void>): Promise<void> => eventually(check, opts.compactionIsAsync ? 5_000 : 0);
    await poll(async () => assert.equal(await s.compactedRevision(), R));
    await poll(async () => { await expectCode(s.get(k('c/a'), { revision: R - 1 }), 'Expired'); });
    await poll(async () => { await expectCode(s.list(k('c/'), { revision: a1.modRevision }), 'Expired'); });
    await poll(async () => {
      const w = collect(s, k('c/'), R - 2);
      const err = await w.waitForError(5_000).finally(() => w.cancel());
      assert.equal(err.code, 'Expired');
      assert.equal(w.events.length, 0);
    });
    // Revision R itself stays readable and watchable.
    assert.equal(dec((await s.get(k('c/a'), { revision: R }))!.value), 'a2');
    const atR = await s.list(k('c/'), { revision: R });
    assert.deepEqual(atR.items.map((i) => [i.key, dec(i.value)]), [[k('c/a'), 'a2'], [k('c/c'), 'c1']]);
    const w = collect(s, k('c/'), R - 1);
    await w.waitForCount(2);
    assert.deepEqual(w.events.map(summary), [
      ['PUT', k('c/c'), 'c1', R, undefined, undefined],
      ['PUT', k('c/a'), 'a3', a3.modRevision, 'a2', a2.modRevision],
    ]);
    w.cancel();
    // Current reads and new writes are unaffected.
    assert.equal(dec((await s.get(k('c/a')))!.value), 'a3');
    assert.deepEqual((await s.list(k('c/'))).items.map((i) => i.key), [k('c/a'), k('c/c')]);
    assert.equal(await s.count(k('c/')), 2);
    const d = await s.create(k('c/d'), enc('d1'));
    assert.equal(d.modRevision, a3.modRevision + 1);
    assert.equal(await s.currentRevision(), d.modRevision);
  });
}
