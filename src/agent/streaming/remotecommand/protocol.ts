// Kubernetes' remote-command protocol (exec and attach): stream names, WebSocket channels, the
// Status JSON that ends a session, and the request options as kubelet URLs carry them.

export const WS_PROTOCOL_V5 = 'v5.channel.k8s.io';
export const WS_PROTOCOL_V4 = 'v4.channel.k8s.io';
/** WebSocket protocols served, best first (v5 adds the close signal that half-closes stdin). */
export const WS_REMOTE_COMMAND_PROTOCOLS = [WS_PROTOCOL_V5, WS_PROTOCOL_V4];
/** Over SPDY, v4 is served: SPDY half-closes streams itself, so v5 adds nothing there. */
export const SPDY_REMOTE_COMMAND_PROTOCOLS = ['v4.channel.k8s.io'];

export const Channel = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

export interface RemoteCommandOptions {
  stdin: boolean;
  stdout: boolean;
  /** Never together with tty: a terminal merges stderr into stdout. */
  stderr: boolean;
  tty: boolean;
  /** exec only. */
  command: string[];
}

const truthy = (v: string | null): boolean => v !== null && (v === '1' || v.toLowerCase() === 'true');

/**
 * Reads the options from a kubelet-style query (`input=1&output=1&error=1&tty=1`, what kite's API
 * server sends, like kube-apiserver) or from the API's own names (`stdin=true&stdout=true...`).
 */
export function parseRemoteCommandOptions(query: URLSearchParams): RemoteCommandOptions {
  const flag = (kubelet: string, api: string): boolean => truthy(query.get(kubelet)) || truthy(query.get(api));
  const tty = flag('tty', 'tty');
  return {
    stdin: flag('input', 'stdin'),
    stdout: flag('output', 'stdout'),
    stderr: flag('error', 'stderr') && !tty,
    tty,
    command: query.getAll('command'),
  };
}

/** The streams a SPDY client opens for these options: error, then one per requested stream. */
export function expectedStreamTypes(opts: RemoteCommandOptions): string[] {
  const types = ['error'];
  if (opts.stdin) types.push('stdin');
  if (opts.stdout) types.push('stdout');
  if (opts.stderr) types.push('stderr');
  if (opts.tty) types.push('resize');
  return types;
}

export const SUCCESS_STATUS = JSON.stringify({ metadata: {}, status: 'Success' });

/** A Status for a failure that is not the command's exit code (InternalError, as the kubelet sends). */
export function internalErrorStatus(message: string): string {
  return JSON.stringify({
    metadata: {}, status: 'Failure', message: `Internal error occurred: ${message}`, reason: 'InternalError',
    details: { causes: [{ message }] }, code: 500,
  });
}

/** The Status for a command that exited with a non-zero code, as the kubelet reports it. */
export function exitCodeStatus(code: number, message = `command terminated with non-zero exit code: exit code ${code}`): string {
  return JSON.stringify({
    metadata: {}, status: 'Failure', message, reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  });
}
