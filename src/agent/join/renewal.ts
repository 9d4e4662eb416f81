// When and how a certificate is renewed while the agent runs (the kubelet's certificate manager):
// at a random point between 70% and 90% of its lifetime, retried a few minutes after a failure.
import * as x509 from '../../pki/x509.js';

export interface Renewal {
  /** When the next renewal is due (ms since the epoch). */
  readonly nextAt: number;
  /** Renews now (also what the timer calls); resolves when the new certificate is in use. */
  renewNow(): Promise<void>;
  stop(): void;
}

export interface RenewalOptions {
  /** The certificate in use. */
  certPem: string;
  /** Obtains and installs a new certificate; returns its PEM. */
  renew: () => Promise<string>;
  /** Where in the lifetime to renew, 0..1; default random in [0.7, 0.9). */
  fraction?: () => number;
  retryMs?: number;
  /** Told about failed attempts. */
  onError?: (err: unknown) => void;
}

/** Node's timers overflow past 2^31-1 ms (~24.8 days): long waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function renewalTime(certPem: string, fraction: number): number {
  const cert = new x509.X509Certificate(certPem);
  const from = cert.notBefore.getTime();
  return from + (cert.notAfter.getTime() - from) * fraction;
}

export function scheduleRenewal(opts: RenewalOptions): Renewal {
  const fraction = opts.fraction ?? (() => 0.7 + Math.random() * 0.2);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> | undefined;
  let nextAt = renewalTime(opts.certPem, fraction());

  const schedule = (at: number): void => {
    nextAt = at;
    if (timer) clearTimeout(timer);
    if (stopped) return;
    const wait = Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS);
    timer = setTimeout(() => (Date.now() >= nextAt ? void renewNow().catch(() => undefined) : schedule(nextAt)), wait);
    timer.unref();
  };

  const renewNow = (): Promise<void> => {
    running ??= (async () => {
      try {
        schedule(renewalTime(await opts.renew(), fraction()));
      } catch (err) {
        opts.onError?.(err);
        schedule(Date.now() + (opts.retryMs ?? 5 * 60_000));
        throw err;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };

  schedule(nextAt);
  return {
    get nextAt() {
      return nextAt;
    },
    renewNow,
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
