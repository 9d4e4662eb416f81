// An agent's refusal (a non-2xx answer with a plain-text reason, as the kubelet writes it) becomes
// a Status for the client, keeping the agent's words: kubectl prints
// `Error from server (BadRequest): previous terminated container "c" in pod "p" not found`.
import type { IncomingMessage } from 'node:http';
import { StatusError, type StatusReason } from '../../apimachinery/errors.js';

const reasons: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  422: 'Invalid',
  429: 'TooManyRequests',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

const MAX_BODY = 64 * 1024;

/** Reads an agent's error response (up to 64 KiB) into a StatusError. */
export async function agentErrorOf(res: IncomingMessage, name: string): Promise<StatusError> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    if (size < MAX_BODY) chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  const body = Buffer.concat(chunks).subarray(0, MAX_BODY).toString('utf8').trim();
  const code = res.statusCode ?? 500;
  let message = body || `the server responded with the status code ${code} but did not return more information`;
  if ((res.headers['content-type'] ?? '').startsWith('application/json')) {
    try {
      const status = JSON.parse(body) as { kind?: string; message?: string };
      if (status.kind === 'Status' && status.message) message = status.message;
    } catch {
      // not JSON after all: keep the text
    }
  }
  const reason = reasons[code] ?? (code >= 500 ? 'InternalError' : 'BadRequest');
  return new StatusError(code, reason, message, { name, kind: 'pods', causes: [{ reason: 'UnexpectedServerResponse', message: body }] });
}

/** A failure to reach the agent at all (kube-apiserver: "error dialing backend: ..."). */
export function dialError(err: unknown): StatusError {
  const message = err instanceof Error ? err.message : String(err);
  return new StatusError(500, 'InternalError', `error dialing backend: ${message}`);
}
