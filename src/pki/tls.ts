// TLS options for kite's HTTPS endpoints, built from the PKI.
import type { TlsOptions } from 'node:tls';
import type { Pki } from './bootstrap.js';

/**
 * Options for `https.createServer`: TLS 1.3 only, the serving certificate, and client certificates
 * requested and checked against the client CA but not demanded during the handshake, so a request
 * without a valid one reaches the API server and gets a 401 Status instead of a TLS alert.
 */
export function apiserverTlsOptions(pki: Pki): TlsOptions {
  return {
    cert: pki.serving.certPem,
    key: pki.serving.keyPem,
    ca: pki.clientCa.certPem,
    requestCert: true,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.3',
  };
}
