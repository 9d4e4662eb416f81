/// <reference types="node" />
// Turns kite's etcd flags (endpoint list and TLS files) into an etcd3 client configuration.
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { noop, retry, handleWhen } from 'cockatiel';
import type { IOptions } from 'etcd3';

export interface EtcdTlsFiles {
  /** CA bundle that signed etcd's serving certificate; default: the system roots. */
  caFile?: string;
  /** Client certificate and key for etcd's --client-cert-auth (both or neither). */
  certFile?: string;
  keyFile?: string;
}

export interface ParsedEndpoints {
  /** URLs as etcd3 wants them: http(s)://host:port. */
  hosts: string[];
  secure: boolean;
}

const DEFAULT_PORT = '2379';

/**
 * Parses "http://a:2379,https://b:2379", "etcd://host:port" (plain http) or bare "host:port".
 * All endpoints must use the same scheme: one client speaks TLS to all of them or to none.
 */
export function parseEndpoints(endpoint: string): ParsedEndpoints {
  const parts = endpoint.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (parts.length === 0) throw new Error('etcd endpoint list is empty');
  const hosts: string[] = [];
  const schemes = new Set<string>();
  for (const part of parts) {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(part) ? part : `http://${part}`;
    let url: URL;
    try {
      url = new URL(withScheme);
    } catch {
      throw new Error(`invalid etcd endpoint "${part}"`);
    }
    const scheme = url.protocol === 'etcd:' ? 'http' : url.protocol.replace(/:$/, '');
    if (scheme !== 'http' && scheme !== 'https') {
      throw new Error(`etcd endpoint "${part}": scheme must be http, https or etcd`);
    }
    if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.username) {
      throw new Error(`etcd endpoint "${part}" must be scheme://host:port without a path or credentials`);
    }
    if (!url.hostname) throw new Error(`etcd endpoint "${part}" has no host`);
    schemes.add(scheme);
    // URL drops a scheme's default port (":443" for https), which is not etcd's default.
    const explicitPort = /^[^/]*\/\/[^/]*:(\d+)\/?$/.exec(withScheme)?.[1];
    hosts.push(`${scheme}://${url.hostname}:${url.port || explicitPort || DEFAULT_PORT}`);
  }
  if (schemes.size > 1) throw new Error(`etcd endpoints mix http and https: ${endpoint}`);
  return { hosts, secure: schemes.has('https') };
}

/** A request that failed before reaching etcd (no connection) is safe to send to another member. */
export function neverReachedServer(err: Error): boolean {
  return err.message.includes('No connection established');
}

export function buildClientOptions(
  endpoint: string,
  tls: EtcdTlsFiles,
  timing: { requestTimeoutMs: number },
): IOptions {
  const { hosts, secure } = parseEndpoints(endpoint);
  const options: IOptions = {
    hosts,
    // Large values and list pages exceed gRPC's default 4 MiB receive limit; etcd bounds them itself.
    grpcOptions: {
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': -1,
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
    },
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + timing.requestTimeoutMs }),
    // etcd3's defaults retry any "recoverable" error (a retried create/CAS could report KeyExists or
    // Conflict for its own successful write) and open a 5 s circuit breaker; retry only what never
    // reached a server, once per other member, and let gRPC's own reconnect backoff do the rest.
    faultHandling: {
      host: () => noop,
      global: hosts.length > 1 ? retry(handleWhen(neverReachedServer), { maxAttempts: hosts.length - 1 }) : noop,
    },
  };
  const { caFile, certFile, keyFile } = tls;
  if (!certFile !== !keyFile) throw new Error('etcd TLS: certFile and keyFile must be given together');
  if (caFile || certFile) {
    if (!secure) throw new Error('etcd TLS files were given but the endpoints use http; use https:// endpoints');
    options.credentials = {
      rootCertificate: caFile ? readFileSync(caFile) : Buffer.from(rootCertificates.join('\n')),
      ...(certFile && keyFile ? { certChain: readFileSync(certFile), privateKey: readFileSync(keyFile) } : {}),
    };
  }
  return options;
}
