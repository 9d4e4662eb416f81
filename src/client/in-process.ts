// The client for components embedded in `kite server` (controllers, scheduler, the embedded
// agent): the same RestClient, but connected over a Unix domain socket in the data dir and
// authenticated with the apiserver's own client certificate (pki.apiserverClient,
// system:apiserver in system:masters).
//
// Why a socket and not a direct call into ApiServer's handler: every request must still pass
// authentication, authorization, admission and audit exactly as an external client's would, or
// in-process components get rights and defaults nobody else can reproduce (and tests against
// kite-in-one-process would prove nothing about kite-on-many-machines). A real HTTP request gets
// all of that for free, at the cost of a TLS handshake per pooled connection.
// Why a Unix socket rather than loopback TCP: it works whatever --bind-address says (an
// apiserver bound to one external IP has no 127.0.0.1 listener), it is not reachable from the
// network at all, the data dir's 0700 mode is a second gate in front of the certificate, and it
// needs no port. TLS stays on so the x509 authenticator sees a peer certificate as usual.
import { chmod, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import type { TlsOptions } from 'node:tls';
import { RestClient, type RestClientConfig } from './rest-client.js';

export const API_SOCKET_NAME = 'apiserver.sock';

/** Longest path a Unix socket address holds on Linux (sun_path is 108 bytes with the NUL). */
const MAX_SOCKET_PATH = 107;

export const apiSocketPath = (dataDir: string): string => join(dataDir, API_SOCKET_NAME);

export interface InProcessCredentials {
  /** The server CA (pki.serverCa.certPem): the socket's TLS certificate is still verified. */
  caPem: string;
  /** pki.apiserverClient.certPem / keyPem. */
  certPem: string;
  keyPem: string;
}

/**
 * A Client for an embedded component. `localhost` is the name the serving certificate is checked
 * against (kite's serving certificate always carries it).
 */
export function inProcessClient(socketPath: string, creds: InProcessCredentials, extra: Partial<RestClientConfig> = {}): RestClient {
  checkSocketPath(socketPath);
  return new RestClient({ server: 'https://localhost', socketPath, caPem: creds.caPem, certPem: creds.certPem, keyPem: creds.keyPem, ...extra });
}

export interface UnixListener {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Serves an existing API server's requests on a Unix socket too: a second HTTPS server with the
 * same TLS options whose requests are handed to `apiServer`'s own request handler, so the one
 * pipeline (authn -> authz -> admission -> handler) serves both listeners.
 *
 * A bridge that needs only ApiServer's public `server`; the natural home for it is a
 * `listenUnix(path)` method on ApiServer, called by the control plane next to `listen()`.
 */
export async function serveOnUnixSocket(apiServer: Server, tls: TlsOptions, socketPath: string): Promise<UnixListener> {
  checkSocketPath(socketPath);
  await rm(socketPath, { force: true }); // a stale socket from a crashed run blocks listen()
  const bridge = createServer(tls, (req, res) => {
    apiServer.emit('request', req, res);
  });
  bridge.requestTimeout = 0; // watches are long-lived, as on the main listener
  bridge.headersTimeout = apiServer.headersTimeout;
  bridge.keepAliveTimeout = apiServer.keepAliveTimeout;
  await new Promise<void>((resolve, reject) => {
    bridge.once('error', reject);
    bridge.listen(socketPath, () => {
      bridge.off('error', reject);
      resolve();
    });
  });
  await chmod(socketPath, 0o600);
  return {
    path: socketPath,
    close: async () => {
      bridge.closeAllConnections();
      await new Promise<void>((resolve) => bridge.close(() => resolve()));
      await rm(socketPath, { force: true });
    },
  };
}

function checkSocketPath(path: string): void {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH) {
    throw new Error(`Unix socket path is ${Buffer.byteLength(path)} bytes, over the ${MAX_SOCKET_PATH}-byte limit: ${path} (use a shorter data dir)`);
  }
}
