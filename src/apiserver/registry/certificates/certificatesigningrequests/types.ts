// certificates.k8s.io/v1 CertificateSigningRequest, as stored and served ([]byte fields are base64).
import type { KubeObject } from '../../../../apimachinery/meta.js';

export interface CsrSpec {
  /** Base64 of a PEM "CERTIFICATE REQUEST". */
  request: string;
  signerName: string;
  expirationSeconds?: number;
  usages?: string[];
  /** Who asked: set by the API server on create, immutable. */
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface CsrCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

export interface CsrStatus {
  conditions?: CsrCondition[];
  /** Base64 of the issued PEM certificate (chain). */
  certificate?: string;
}

export interface CertificateSigningRequest extends KubeObject {
  spec?: CsrSpec;
  status?: CsrStatus;
}

export const CSR_API_VERSION = 'certificates.k8s.io/v1';
