// The conformance suite every Store backend runs (memory, sqlite, etcd): etcd's semantics as
// described in store.ts. A backend's test file calls runStoreConformance() once.
//
// Each case opens a fresh store through `open` and works under its own random key root, so a
// backend may share one server between cases. Revisions are compared relative to the revision
// seen at the start of a case, never to absolute numbers.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { MAX_VALUE_BYTES, type Store } from './store.js';
import { assertBytes, dec, enc, expectCode } from './conformance-helpers.js';
import { registerWatchCases } from './conformance-watch.js';

export interface OpenedStore {
  store: Store;
  cleanup: () => Promise<void>;
}

export interface ConformanceOptions {
  /** The backend applies compaction's effects shortly after compact() resolves; the suite polls for them. */
  compactionIsAsync?: boolean;
}

/** Per-case context shared with the case files. */
export interface CaseContext {
  store: () => Store;
  /** A key under this case's private root, e.g. k('pods/a'). */
  k: (suffix: string) => string;
  opts: ConformanceOptions;
}

export function runStoreConformance(
  name: string,
  open: () => Promise<OpenedStore>,
  opts: ConformanceOptions = {},
): void {
  describe(`Store conformance: ${name}`, () => {
    let opened: OpenedStore | undefined;
    let root = '';
    beforeEach(async () => {
      root = `/kite-conformance/${randomBytes(4).toString('hex')}/`;
      opened = await open();
    });
    afterEach(async () => {
      const o = opened;
      opened = undefined;
      if (o) await o.cleanup();
    });
    const ctx: CaseContext = {
      store: () => {
        assert.ok(opened, 'store not open');
        return opened.store;
      },
      k: (suffix) => root + suffix,
      opts,
    };
    registerBasicCases(ctx);
    registerListCases(ctx);
    registerWatchCases(ctx);
  });
}

function registerBasicCases({ store, k }: CaseContext): void {
  it('increases the revision by exactly one per successful write, and not on failed ones', async () => {
    const s = store();
    const r0 = await s.currentRevision();
    assert.ok((await s.compactedRevision()) <= r0);
    const a = await s.create(k('a'), enc('1'));
    assert.deepEqual([a.createRevision, a.modRevision], [r0 + 1, r0 + 1]);
    const b = await s.update(k('a'), enc('2'), a.modRevision);
    assert.deepEqual([b.createRevision, b.modRevision], [r0 + 1, r0 + 2]);
    await expectCode(s.create(k('a'), enc('x')), 'KeyExists');
    await expectCode(s.update(k('a'), enc('x'), a.modRevision), 'Conflict');
    await expectCode(s.update(k('missing'), enc('x'), 1), 'NotFound');
    await expectCode(s.delete(k('missing')), 'NotFound');
    assert.equal(await s.currentRevision(), r0 + 2);
    const d = await s.delete(k('a'));
    assert.equal(d.modRevision, r0 + 3);
    assert.equal(d.createRevision, r0 + 1);
    assert.equal(dec(d.value), '2');
    assert.equal(await s.currentRevision(), r0 + 3);
  });

  it('creates only when absent, and again after a delete with a new createRevision', async () => {
    const s = store();
    const first = await s.create(k('x'), enc('one'));
    const err = await expectCode(s.create(k('x'), enc('two')), 'KeyExists');
    assert.equal(err.key, k('x'));
    assert.equal(dec((await s.get(k('x')))!.value), 'one');
    await s.delete(k('x'), first.modRevision);
    assert.equal(await s.get(k('x')), null);
    const again = await s.create(k('x'), enc('three'));
    assert.ok(again.createRevision > first.createRevision);
    assert.equal(again.createRevision, again.modRevision);
  });

  it('gets at the current and at past revisions', async () => {
    const s = store();
    const r0 = (await s.create(k('first'), enc('0'))).modRevision; // > 0: revision 0 means "current"
    const c = await s.create(k('g'), enc('v1'));
    const u = await s.update(k('g'), enc('v2'), c.modRevision);
    const d = await s.delete(k('g'));
    const c2 = await s.create(k('g'), enc('v4'));
    assert.equal(await s.get(k('g'), { revision: r0 }), null);
    const at1 = await s.get(k('g'), { revision: c.modRevision });
    assert.deepEqual([dec(at1!.value), at1!.createRevision, at1!.modRevision], ['v1', c.modRevision, c.modRevision]);
    const at2 = await s.get(k('g'), { revision: u.modRevision });
    assert.deepEqual([dec(at2!.value), at2!.createRevision, at2!.modRevision], ['v2', c.modRevision, u.modRevision]);
    assert.equal(await s.get(k('g'), { revision: d.modRevision }), null);
    const now = await s.get(k('g'));
    assert.deepEqual([now!.key, dec(now!.value), now!.createRevision, now!.modRevision], [k('g'), 'v4', c2.modRevision, c2.modRevision]);
    assert.deepEqual(await s.get(k('g'), { revision: 0 }), now);
    assert.equal(await s.get(k('never')), null);
  });

  it('rejects stale updates and deletes with Conflict carrying the current value', async () => {
    const s = store();
    const a = await s.create(k('cas'), enc('a'));
    const b = await s.update(k('cas'), enc('b'), a.modRevision);
    const up = await expectCode(s.update(k('cas'), enc('c'), a.modRevision), 'Conflict');
    assert.equal(up.key, k('cas'));
    assert.equal(up.current?.modRevision, b.modRevision);
    assert.equal(dec(up.current!.value), 'b');
    const del = await expectCode(s.delete(k('cas'), a.modRevision), 'Conflict');
    assert.equal(del.current?.modRevision, b.modRevision);
    assert.equal(dec(del.current!.value), 'b');
    const gone = await s.delete(k('cas'), b.modRevision);
    assert.equal(dec(gone.value), 'b');
    await expectCode(s.update(k('cas'), enc('d'), b.modRevision), 'NotFound');
    await expectCode(s.delete(k('cas'), gone.modRevision), 'NotFound');
  });

  it('accepts values up to MAX_VALUE_BYTES and rejects larger ones with TooLarge', async () => {
    const s = store();
    const big = randomBytes(MAX_VALUE_BYTES);
    const r0 = await s.currentRevision();
    const kv = await s.create(k('big'), big);
    assertBytes((await s.get(k('big')))!.value, big, 'max-size value');
    const tooBig = new Uint8Array(MAX_VALUE_BYTES + 1);
    await expectCode(s.create(k('big2'), tooBig), 'TooLarge');
    await expectCode(s.update(k('big'), tooBig, kv.modRevision), 'TooLarge');
    assert.equal(await s.currentRevision(), r0 + 1);
    assert.equal(await s.get(k('big2')), null);
  });

  it('round-trips binary, empty and unicode values and unicode keys', async () => {
    const s = store();
    const allBytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = 'ünïcødé ✓ 日本語 🙂 \u0000 end';
    await s.create(k('bin'), allBytes);
    await s.create(k('empty'), new Uint8Array(0));
    await s.create(k('text'), enc(text));
    await s.create(k('ключ/日本/🙂'), enc('u'));
    assertBytes((await s.get(k('bin')))!.value, allBytes, 'all byte values');
    assertBytes((await s.get(k('empty')))!.value, new Uint8Array(0), 'empty value');
    assert.equal(dec((await s.get(k('text')))!.value), text);
    assert.equal(dec((await s.get(k('ключ/日本/🙂')))!.value), 'u');
    // etcd orders keys by their UTF-8 bytes, i.e. by code point (not by UTF-16 units).
    for (const suffix of ['\u{1F642}', '\uFF5E', 'é', 'z']) await s.create(k(`order/${suffix}`), enc(suffix));
    const listed = await s.list(k('order/'));
    assert.deepEqual(listed.items.map((i) => i.key), ['z', 'é', '\uFF5E', '\u{1F642}'].map((x) => k(`order/${x}`)));
  });

  it('rejects calls after close with Closed, and close is idempotent', async () => {
    const s = store();
    await s.create(k('c'), enc('1'));
    await s.close();
    await expectCode(s.get(k('c')), 'Closed');
    await expectCode(s.create(k('d'), enc('1')), 'Closed');
    await s.close();
  });
}

function registerListCases({ store, k }: CaseContext): void {
  it('lists a prefix sorted, paginates at a fixed revision, and counts', async () => {
    const s = store();
    const names = Array.from({ length: 10 }, (_, i) => `p/k${String(i).padStart(2, '0')}`);
    for (const n of [...names].reverse()) await s.create(k(n), enc(`old ${n}`));
    const p1 = await s.list(k('p/'), { limit: 4 });
    const R = p1.revision;
    assert.equal(R, await s.currentRevision());
    assert.deepEqual(p1.items.map((i) => i.key), names.slice(0, 4).map(k));
    assert.equal(p1.more, true);
    // Writes between pages must not show up in pages read at the first page's revision.
    await s.create(k('p/k035'), enc('new'));
    const k05 = (await s.get(k('p/k05')))!;
    await s.update(k('p/k05'), enc('changed'), k05.modRevision);
    await s.delete(k('p/k07'));
    await s.create(k('p/k99'), enc('new'));
    const p2 = await s.list(k('p/'), { limit: 4, startKey: k('p/k03') + '\u0000', revision: R });
    assert.equal(p2.revision, R);
    assert.deepEqual(p2.items.map((i) => [i.key, dec(i.value)]), names.slice(4, 8).map((n) => [k(n), `old ${n}`]));
    assert.equal(p2.more, true);
    const p3 = await s.list(k('p/'), { limit: 4, startKey: k('p/k07') + '\u0000', revision: R });
    assert.deepEqual(p3.items.map((i) => i.key), names.slice(8).map(k));
    assert.equal(p3.more, false);
    const exact = await s.list(k('p/'), { limit: 2, startKey: k('p/k08'), revision: R });
    assert.equal(exact.items.length, 2);
    assert.equal(exact.more, false, 'more is false when the limit equals the remaining count');
    const allAtR = await s.list(k('p/'), { revision: R });
    assert.deepEqual(allAtR.items.map((i) => i.key), names.map(k));
    assert.equal(allAtR.more, false);

    const now = await s.list(k('p/'), { limit: 0 });
    assert.equal(now.revision, await s.currentRevision());
    const expected = [...names.filter((n) => n !== 'p/k07'), 'p/k035', 'p/k99'].sort();
    assert.deepEqual(now.items.map((i) => i.key), expected.map(k));
    const item05 = now.items.find((i) => i.key === k('p/k05'))!;
    assert.equal(dec(item05.value), 'changed');
    assert.ok(item05.modRevision > R);
    assert.equal(item05.createRevision, k05.createRevision);
    assert.equal(await s.count(k('p/')), expected.length);
    assert.equal(await s.count(k('none/')), 0);
    const empty = await s.list(k('none/'));
    assert.deepEqual([empty.items.length, empty.more], [0, false]);
  });

  it('keeps prefixes apart ("/a/" does not match "/ab/")', async () => {
    const s = store();
    await s.create(k('a'), enc('bare'));
    await s.create(k('a/x'), enc('in a'));
    await s.create(k('a/y/z'), enc('deep in a'));
    await s.create(k('ab/y'), enc('in ab'));
    await s.create(k('a0'), enc('a0'));
    const listed = await s.list(k('a/'));
    assert.deepEqual(listed.items.map((i) => i.key), [k('a/x'), k('a/y/z')]);
    assert.equal(await s.count(k('a/')), 2);
    assert.equal(await s.count(k('ab/')), 1);
    assert.equal(await s.count(k('')), 5);
  });
}
