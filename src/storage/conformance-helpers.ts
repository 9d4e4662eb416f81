// Small helpers for the store conformance suite (conformance.ts): byte/text conversion,
// error-code assertions and a watch collector that can be awaited.
import assert from 'node:assert/strict';
import { isStoreError, type Store, type StoreError, type StoreErrorCode, type WatchEvent } from './store.js';

export const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
export const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export function assertBytes(actual: Uint8Array | undefined, expected: Uint8Array, what: string): void {
  assert.ok(actual instanceof Uint8Array, `${what}: expected a Uint8Array`);
  assert.equal(actual.byteLength, expected.byteLength, `${what}: length`);
  assert.ok(Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength).equals(Buffer.from(expected)), `${what}: bytes differ`);
}

/** Awaits `p` and asserts it rejects with a StoreError of the given code; returns that error. */
export async function expectCode(p: Promise<unknown>, code: StoreErrorCode): Promise<StoreError> {
  try {
    await p;
  } catch (err) {
    assert.ok(isStoreError(err), `expected StoreError ${code}, got ${String(err)}`);
    assert.equal(err.code, code, `expected code ${code}, got ${err.code}: ${err.message}`);
    return err;
  }
  assert.fail(`expected StoreError ${code}, but the call succeeded`);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Retries `check` until it passes or `timeoutMs` elapses (for effects a backend applies asynchronously). */
export async function eventually(check: () => Promise<void>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await sleep(50);
    }
  }
}

export interface Collector {
  events: WatchEvent[];
  errors: StoreError[];
  batches: number;
  /** Set if the store ran a callback after cancel() returned (a contract violation). */
  calledAfterCancel: boolean;
  /** Resolves once at least `n` events arrived; rejects after timeoutMs. */
  waitForCount(n: number, timeoutMs?: number): Promise<WatchEvent[]>;
  waitForError(timeoutMs?: number): Promise<StoreError>;
  cancel(): void;
}

/** Starts a watch that records everything it receives and checks callbacks never run after cancel. */
export function collect(store: Store, prefix: string, afterRevision: number): Collector {
  let cancelled = false;
  let wake: () => void = () => {};
  const c: Collector = {
    events: [],
    errors: [],
    batches: 0,
    calledAfterCancel: false,
    waitForCount: (n, timeoutMs = 10_000) => waitUntil(() => c.events.length >= n, timeoutMs,
      () => `timed out waiting for ${n} events on ${prefix} after ${afterRevision}; got ${c.events.length}` +
        (c.errors.length ? ` and error ${c.errors[0].code}` : '')).then(() => c.events),
    waitForError: (timeoutMs = 10_000) => waitUntil(() => c.errors.length > 0, timeoutMs,
      () => `timed out waiting for a watch error; got ${c.events.length} events`).then(() => c.errors[0]),
    cancel: () => {
      cancelled = true;
      watch.cancel();
    },
  };
  const waitUntil = (done: () => boolean, timeoutMs: number, msg: () => string): Promise<void> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(msg())), timeoutMs);
      const check = (): void => {
        if (done()) {
          clearTimeout(timer);
          resolve();
        } else {
          const prev = wake;
          wake = () => { prev(); check(); };
        }
      };
      check();
    });
  const notify = (): void => {
    const w = wake;
    wake = () => {};
    w();
  };
  const watch = store.watch(prefix, {
    afterRevision,
    onEvents: (events) => {
      if (cancelled) { c.calledAfterCancel = true; return; }
      c.batches++;
      c.events.push(...events);
      notify();
    },
    onError: (err) => {
      if (cancelled) { c.calledAfterCancel = true; return; }
      c.errors.push(err);
      notify();
    },
  });
  return c;
}

/** Asserts events carry consecutive-in-order, unique revisions and that revision === kv.modRevision. */
export function assertOrdered(events: WatchEvent[]): void {
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    assert.equal(e.revision, e.kv.modRevision, `event ${i}: revision must equal kv.modRevision`);
    if (i > 0) assert.ok(e.revision > events[i - 1].revision, `event ${i}: revision ${e.revision} not after ${events[i - 1].revision}`);
  }
}
