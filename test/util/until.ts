// Polls until a condition holds, for tests that wait on a cluster converging.

export type Until = <T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs?: number) => Promise<T>;

/**
 * An `until(what, fn, timeoutMs?)` that calls fn every intervalMs until it returns a value other
 * than undefined or false, and fails after timeoutMs naming what it waited for and the last error.
 */
export function untilWithin(defaultTimeoutMs: number, intervalMs = 100): Until {
  return async <T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = defaultTimeoutMs): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    let last: unknown;
    for (;;) {
      try {
        const value = await fn();
        if (value !== undefined && value !== false) return value;
      } catch (err) {
        last = err;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${last instanceof Error ? last.message : String(last)})` : ''}`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  };
}
