// A single probe's outcome, as the kubelet's prober sees it: success, a failure with the text shown
// in the Unhealthy event, or a warning (success, with a ProbeWarning event).

export type ProbeResult = 'success' | 'failure' | 'warning';

export interface ProbeOutcome {
  result: ProbeResult;
  /** The probe's output: the event text for failures and warnings. */
  output: string;
}

/** The kubelet sends "kube-probe/<major>.<minor>" as the User-Agent of HTTP probes. */
export const PROBE_USER_AGENT = 'kube-probe/1.32';

/** The most of a response body or command output a probe keeps (10 KiB, as upstream). */
export const MAX_PROBE_OUTPUT = 10 * 1024;

export const success = (output = ''): ProbeOutcome => ({ result: 'success', output });
export const failure = (output: string): ProbeOutcome => ({ result: 'failure', output });

/** "host:port" with IPv6 hosts bracketed (net.JoinHostPort). */
export const joinHostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** Go's dial error text for a Node socket error, so event messages read like the kubelet's. */
export function dialErrorText(err: NodeJS.ErrnoException, host: string, port: number): string {
  const addr = joinHostPort(host, port);
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${addr}: connect: connection refused`;
    case 'EHOSTUNREACH':
      return `dial tcp ${addr}: connect: no route to host`;
    case 'ENETUNREACH':
      return `dial tcp ${addr}: connect: network is unreachable`;
    case 'ETIMEDOUT':
      return `dial tcp ${addr}: i/o timeout`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${host}: no such host`;
    case 'ECONNRESET':
      return `read tcp ${addr}: read: connection reset by peer`;
    default:
      return err.message;
  }
}
