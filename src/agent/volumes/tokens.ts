// ServiceAccount tokens for projected volumes (the kubelet's token manager): TokenRequest through
// the API bound to the pod, cached per (namespace, account, audience, expiry, pod), and renewed
// once 80% of the lifetime has passed or the token is older than 24 hours.
import type { TokenRequest } from 'kubernetes-types/authentication/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { type Clock, realClock } from '../../client/clock.js';
import type { VolumeContext } from '../kuberuntime/resolve-context.js';

const MAX_TTL_MS = 24 * 3600 * 1000;
/** The API's default for serviceAccountToken.expirationSeconds. */
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;

interface Cached {
  token: string;
  expiresAt: number;
  issuedAt: number;
}

/** Says plainly when the API server has no TokenRequest endpoint (the error alone reads like a missing account). */
function describeTokenError(err: unknown, namespace: string, serviceAccount: string): string {
  const message = err instanceof Error ? err.message : String(err);
  const reason = (err as { reason?: string } | null)?.reason;
  const unserved = /serviceaccounts\/token|could not find the requested resource|does not allow this method/.test(message) || reason === 'MethodNotAllowed';
  if (!unserved) return message;
  return `the API server does not serve TokenRequest (POST /api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token): ${message}`;
}

export class TokenManager {
  readonly #ctx: VolumeContext;
  readonly #clock: Clock;
  readonly #cache = new Map<string, Cached>();

  constructor(ctx: VolumeContext, clock: Clock = realClock) {
    this.#ctx = ctx;
    this.#clock = clock;
  }

  #key(pod: Pod, audience: string, expirationSeconds: number): string {
    const m = pod.metadata ?? {};
    return JSON.stringify([m.namespace, pod.spec?.serviceAccountName ?? 'default', audience, expirationSeconds, m.name, m.uid]);
  }

  #needsRefresh(c: Cached): boolean {
    const now = this.#clock.now();
    if (now >= c.issuedAt + MAX_TTL_MS) return true;
    return now >= c.expiresAt - (c.expiresAt - c.issuedAt) * 0.2;
  }

  /** A valid token for the pod's service account; throws "failed to fetch token: ..." when the API refuses. */
  async token(pod: Pod, audience: string, expirationSeconds = DEFAULT_TOKEN_EXPIRATION_SECONDS): Promise<string> {
    const key = this.#key(pod, audience, expirationSeconds);
    const cached = this.#cache.get(key);
    if (cached && !this.#needsRefresh(cached)) return cached.token;
    const m = pod.metadata ?? {};
    const request: TokenRequest = {
      spec: {
        audiences: audience ? [audience] : [],
        expirationSeconds,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: m.name, uid: m.uid },
      },
    };
    let answer: TokenRequest;
    try {
      answer = await this.#ctx.requestServiceAccountToken(m.namespace ?? 'default', pod.spec?.serviceAccountName || 'default', request);
    } catch (err) {
      if (cached && this.#clock.now() < cached.expiresAt) return cached.token; // still valid: try again next time
      throw new Error(`failed to fetch token: ${describeTokenError(err, m.namespace ?? 'default', pod.spec?.serviceAccountName || 'default')}`);
    }
    const token = answer.status?.token;
    if (!token) throw new Error('failed to fetch token: the TokenRequest answer has no token');
    const issuedAt = this.#clock.now();
    const exp = Date.parse(answer.status?.expirationTimestamp ?? '');
    const seconds = answer.spec?.expirationSeconds ?? expirationSeconds;
    this.#cache.set(key, { token, issuedAt, expiresAt: Number.isFinite(exp) ? exp : issuedAt + seconds * 1000 });
    return token;
  }

  /** Forgets the pod's tokens (after its teardown). */
  forgetPod(uid: string): void {
    for (const key of this.#cache.keys()) if ((JSON.parse(key) as unknown[])[5] === uid) this.#cache.delete(key);
  }
}
