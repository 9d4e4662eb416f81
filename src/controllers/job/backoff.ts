// Exponential back-off before replacing failed pods (pkg/controller/job/backoff_utils.go): a
// record per Job of the failures since the last success and when the last one happened; the
// wait is base * 2^(failures-1), capped, counted from that last failure.
import type { Clock } from '../../client/clock.js';
import { podFinishedTime } from './pod-util.js';
import type { Pod } from './types.js';

export interface BackoffRecord {
  key: string;
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

export class BackoffStore {
  readonly #records = new Map<string, BackoffRecord>();

  get(key: string): BackoffRecord | undefined {
    return this.#records.get(key);
  }

  update(record: BackoffRecord): void {
    this.#records.set(record.key, { ...record });
  }

  remove(key: string): void {
    this.#records.delete(key);
  }

  /** The record after counting pods that finished since the last sync (not stored until update()). */
  next(key: string, newSucceeded: Pod[], newFailed: Pod[]): BackoffRecord {
    const old = this.#records.get(key);
    const record: BackoffRecord = old ? { ...old } : { key, failuresAfterLastSuccess: 0 };
    const succeededTimes = newSucceeded.map(podFinishedTime).sort((a, b) => a - b);
    const failedTimes = newFailed.map(podFinishedTime).sort((a, b) => a - b);
    if (succeededTimes.length === 0) {
      if (failedTimes.length === 0) return record;
      record.failuresAfterLastSuccess += failedTimes.length;
      record.lastFailureTime = failedTimes[failedTimes.length - 1];
      return record;
    }
    // A success resets the count; only failures after the last success count again.
    record.failuresAfterLastSuccess = 0;
    record.lastFailureTime = undefined;
    const lastSuccess = succeededTimes[succeededTimes.length - 1]!;
    for (let i = failedTimes.length - 1; i >= 0; i--) {
      const failedAt = failedTimes[i]!;
      if (failedAt <= lastSuccess) break;
      record.lastFailureTime ??= failedAt;
      record.failuresAfterLastSuccess++;
    }
    return record;
  }
}

/** How long pod creation must still wait (0: not at all). */
export function remainingBackoff(record: BackoffRecord, clock: Clock, baseMs: number, maxMs: number): number {
  if (record.failuresAfterLastSuccess === 0 || record.lastFailureTime === undefined) return 0;
  let backoff = baseMs;
  for (let i = 1; i < record.failuresAfterLastSuccess; i++) {
    backoff *= 2;
    if (backoff >= maxMs) {
      backoff = maxMs;
      break;
    }
  }
  const elapsed = clock.now() - record.lastFailureTime;
  return backoff < elapsed ? 0 : backoff - elapsed;
}
