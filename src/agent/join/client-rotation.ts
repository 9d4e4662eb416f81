// Rotation of a running agent's client certificate: a new one is asked for with the current
// credentials (approved as selfnodeclient), written to the agent kubeconfig, and the client
// switches over in place.
import * as x509 from '../../pki/x509.js';
import { requestNodeClientCertificate, writeAgentKubeconfig } from './bootstrap.js';
import { type Renewal, scheduleRenewal } from './renewal.js';
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
}

export function startClientRotation(opts: ClientRotationOptions): Renewal {
  return scheduleRenewal({
    certPem: opts.certPem,
    fraction: opts.fraction,
    onError: (err) => opts.log?.('client certificate rotation failed; retrying', { error: err instanceof Error ? err.message : String(err) }),
    renew: async () => {
      const issued = await requestNodeClientCertificate(opts.client, {
        nodeName: opts.nodeName, signal: AbortSignal.timeout(600_000),
        onCreated: (name) => opts.log?.('client certificate rotation requested', { csr: name }),
      });
      const { server, caPem } = opts.client.config;
      await writeAgentKubeconfig(opts.dataDir, opts.nodeName, { server, caPem: caPem ?? '', ...issued });
      opts.client.swap({ certPem: issued.certPem, keyPem: issued.keyPem });
      opts.log?.('client certificate rotated', { notAfter: new x509.X509Certificate(issued.certPem).notAfter.toISOString() });
      return issued.certPem;
    },
  });
}
