// Signing and verifying ServiceAccount JWTs with jose: the header names the key (kid), verification
// checks signature, issuer, audience and times with Kubernetes' one-minute leeway.
import {
  type JWTPayload,
  SignJWT,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import type { ServiceAccountKeys, SigningKey, VerificationKey } from '../../pki/service-account-key.js';
import { DEFAULT_API_AUDIENCES, DEFAULT_SERVICE_ACCOUNT_ISSUER, type ServiceAccountTokenClaims, TOKEN_LEEWAY_SECONDS } from './service-account-claims.js';

/** Everything the token endpoint and the token authenticator share. */
export interface ServiceAccountTokenConfig {
  /** The `iss` of tokens kite signs, and the only issuer the authenticator accepts. */
  issuer: string;
  /** The API server's own audiences: TokenRequest's default, and what a token must name to log in. */
  apiAudiences: string[];
  signing: SigningKey;
  /** Keys a token may be signed with: the signing key's and those of keys rotated out. */
  verification: VerificationKey[];
  /** Longer requests are shortened to this, with a warning (--service-account-max-token-expiration); 0: no cap. */
  maxExpirationSeconds: number;
}

export interface TokenConfigOptions {
  issuer?: string;
  apiAudiences?: string[];
  maxExpirationSeconds?: number;
}

export function serviceAccountTokenConfig(keys: Pick<ServiceAccountKeys, 'signing' | 'verification'>, opts: TokenConfigOptions = {}): ServiceAccountTokenConfig {
  const issuer = opts.issuer ?? DEFAULT_SERVICE_ACCOUNT_ISSUER;
  return {
    issuer,
    apiAudiences: opts.apiAudiences ?? (opts.issuer ? [issuer] : DEFAULT_API_AUDIENCES),
    signing: keys.signing,
    verification: keys.verification,
    maxExpirationSeconds: opts.maxExpirationSeconds ?? 0,
  };
}

/** A compact JWS with the header Kubernetes writes: {"alg":..., "kid":...}. */
export async function signServiceAccountToken(config: Pick<ServiceAccountTokenConfig, 'signing'>, claims: ServiceAccountTokenClaims): Promise<string> {
  const { alg, kid, key } = config.signing;
  return new SignJWT(claims).setProtectedHeader({ alg, kid }).sign(key);
}

/** null: not a token of this issuer (another authenticator's); rejected: ours, but not valid. */
export type VerifyResult = { payload: JWTPayload } | { rejected: string } | null;

/**
 * Verifies a token: issuer first (so foreign JWTs are left alone quietly), then the signature with
 * the key its kid names (every key of its algorithm when it names none), audience and times.
 */
export async function verifyServiceAccountToken(config: ServiceAccountTokenConfig, token: string, now: Date = new Date()): Promise<VerifyResult> {
  let unverified: JWTPayload;
  let header: { alg?: string; kid?: string };
  try {
    unverified = decodeJwt(token);
    header = decodeProtectedHeader(token);
  } catch {
    return null;
  }
  if (unverified.iss !== config.issuer) return null;
  const candidates = config.verification.filter((k) => k.alg === header.alg && (header.kid === undefined || k.kid === header.kid));
  if (candidates.length === 0) return { rejected: `no verification key for a token with alg ${String(header.alg)} and kid ${String(header.kid)}` };
  // jose's local JWK set refuses several keys without a kid; a small loop tries each in turn.
  for (const candidate of candidates) {
    try {
      const { payload } = await jwtVerify(token, candidate.key, {
        issuer: config.issuer,
        audience: config.apiAudiences,
        algorithms: [candidate.alg],
        clockTolerance: TOKEN_LEEWAY_SECONDS,
        currentDate: now,
        requiredClaims: ['exp', 'sub'],
      });
      if (typeof payload.iat === 'number' && payload.iat > now.getTime() / 1000 + TOKEN_LEEWAY_SECONDS) {
        return { rejected: 'service account token is issued in the future' };
      }
      return { payload };
    } catch (err) {
      if (err instanceof joseErrors.JWSSignatureVerificationFailed) continue;
      return { rejected: describe(err, unverified, config) };
    }
  }
  return { rejected: 'invalid signature' };
}

function describe(err: unknown, payload: JWTPayload, config: ServiceAccountTokenConfig): string {
  if (err instanceof joseErrors.JWTExpired) return 'service account token has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) {
    if (err.claim === 'nbf') return 'service account token is not valid yet';
    if (err.claim === 'aud') return `token audiences ${JSON.stringify(payload.aud ?? [])} is invalid for the target audiences ${JSON.stringify(config.apiAudiences)}`;
    return `service account token claims could not be validated: ${err.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
