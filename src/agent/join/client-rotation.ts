// Rotation of a running agent's client certificate (the kubelet's certificate manager): at a
// random point between 70% and 90% of the certificate's lifetime the agent asks for a new one with
// its current credentials (approved as selfnodeclient), writes it to its kubeconfig and switches
// its client over. A failed attempt is retried a few minutes later.
import * as x509 from '../../pki/x509.js';
import { requestNodeClientCertificate, writeAgentKubeconfig } from './bootstrap.js';
import type { RotatingClient } from './rotating-client.js';

export interface ClientRotationOptions {
  client: RotatingClient;
  dataDir: string;
  nodeName: string;
  /** The certificate in use. */
  certPem: string;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Where in the lifetime to rotate, 0..1; default random in [0.7, 0.9). */
  fraction?: () => number;
  retryMs?: number;
}

export interface ClientRotation {
  /** When the next rotation is due (ms since the epoch). */
  readonly nextAt: number;
  /** Rotates now (also what the timer calls). */
  rotateNow(): Promise<void>;
  stop(): void;
}

/** Node's timers overflow past 2^31-1 ms (~24.8 days): long waits are taken in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function rotationTime(certPem: string, fraction: number): number {
  const cert = new x509.X509Certificate(certPem);
  const from = cert.notBefore.getTime();
  return from + (cert.notAfter.getTime() - from) * fraction;
}

export function startClientRotation(opts: ClientRotationOptions): ClientRotation {
  const fraction = opts.fraction ?? (() => 0.7 + Math.random() * 0.2);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let rotating: Promise<void> | undefined;
  const state = { nextAt: rotationTime(opts.certPem, fraction()) };

  const schedule = (at: number): void => {
    state.nextAt = at;
    if (stopped) return;
    const wait = Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS);
    timer = setTimeout(() => (Date.now() >= state.nextAt ? void rotateNow().catch(() => undefined) : schedule(state.nextAt)), wait);
    timer.unref();
  };

  const rotateNow = (): Promise<void> => {
    rotating ??= (async () => {
      try {
        const issued = await requestNodeClientCertificate(opts.client, {
          nodeName: opts.nodeName, signal: AbortSignal.timeout(600_000),
          onCreated: (name) => opts.log?.('client certificate rotation requested', { csr: name }),
        });
        const { server, caPem } = opts.client.config;
        await writeAgentKubeconfig(opts.dataDir, opts.nodeName, { server, caPem: caPem ?? '', ...issued });
        opts.client.swap({ certPem: issued.certPem, keyPem: issued.keyPem });
        opts.log?.('client certificate rotated', { notAfter: new x509.X509Certificate(issued.certPem).notAfter.toISOString() });
        schedule(rotationTime(issued.certPem, fraction()));
      } catch (err) {
        opts.log?.('client certificate rotation failed; retrying', { error: err instanceof Error ? err.message : String(err) });
        schedule(Date.now() + (opts.retryMs ?? 5 * 60_000));
        throw err;
      } finally {
        rotating = undefined;
      }
    })();
    return rotating;
  };

  schedule(state.nextAt);
  return {
    get nextAt() {
      return state.nextAt;
    },
    rotateNow: () => {
      if (timer) clearTimeout(timer);
      return rotateNow();
    },
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
