// httpGet probes (probe/http): GET with the kubelet's headers (User-Agent kube-probe/1.32,
// Accept */*, the probe's own headers over them, Host from a Host header), status 200-399 is
// success, a redirect is followed only to the same host (another host ends the probe as a
// success with a warning), anything else a failure "HTTP probe failed with statuscode: N".
// HTTPS does not verify certificates, as upstream.
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dialErrorText, failure, MAX_PROBE_OUTPUT, type ProbeOutcome, PROBE_USER_AGENT, success } from './types.js';

export interface HttpProbeOptions {
  scheme?: 'HTTP' | 'HTTPS' | string;
  host: string;
  port: number;
  path?: string;
  headers?: { name: string; value: string }[];
  timeoutMs: number;
}

const MAX_REDIRECTS = 10;

/** The probe URL (formatURL): the path as given, scheme and host:port set. */
export function probeURL(opts: HttpProbeOptions): URL {
  const scheme = (opts.scheme || 'HTTP').toLowerCase();
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const path = opts.path ?? '';
  return new URL(`${scheme}://${host}:${opts.port}${path.startsWith('/') ? path : `/${path}`}`);
}

/** The request headers (newProbeRequest): user headers win; an empty Accept removes it. */
export function probeHeaders(list: HttpProbeOptions['headers']): OutgoingHttpHeaders {
  const headers: Record<string, string[]> = {};
  for (const h of list ?? []) (headers[h.name.toLowerCase()] ??= []).push(h.value);
  if (!headers['user-agent']) headers['user-agent'] = [PROBE_USER_AGENT];
  if (!headers.accept) headers.accept = ['*/*'];
  else if (headers.accept[0] === '') delete headers.accept;
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) out[k] = k === 'host' ? v[0] : v.length === 1 ? v[0] : v;
  return out;
}

interface Answer {
  status: number;
  location?: string;
  body: string;
}

function get(url: URL, headers: OutgoingHttpHeaders, signal: AbortSignal): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, { method: 'GET', headers, agent: false, signal, rejectUnauthorized: false }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size < MAX_PROBE_OUTPUT) chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_PROBE_OUTPUT) res.destroy(); // enough: a truncated body is not an error
      });
      const done = (): void => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body: Buffer.concat(chunks).subarray(0, MAX_PROBE_OUTPUT).toString('utf8') });
      res.on('end', done);
      res.on('close', done);
      res.on('error', (err) => (size >= MAX_PROBE_OUTPUT ? done() : reject(err)));
    });
    req.on('error', reject);
    req.end();
  });
}

export async function httpProbe(opts: HttpProbeOptions): Promise<ProbeOutcome> {
  const headers = probeHeaders(opts.headers);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), opts.timeoutMs);
  let url = probeURL(opts);
  const firstHost = url.hostname;
  try {
    for (let redirects = 0; ; redirects++) {
      let answer: Answer;
      try {
        answer = await get(url, headers, controller.signal);
      } catch (err) {
        if (controller.signal.aborted) return failure(`Get "${url.href}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`);
        return failure(`Get "${url.href}": ${dialErrorText(err as NodeJS.ErrnoException, url.hostname.replace(/^\[|\]$/g, ''), Number(url.port))}`);
      }
      const { status } = answer;
      if (status >= 300 && status < 400 && answer.location) {
        const next = new URL(answer.location, url);
        if (next.hostname === firstHost) {
          if (redirects + 1 >= MAX_REDIRECTS) return failure(`Get "${next.href}": stopped after ${MAX_REDIRECTS} redirects`);
          url = next;
          continue;
        }
      }
      if (status >= 200 && status < 400) {
        if (status >= 300) return { result: 'warning', output: `Probe terminated redirects, Response body: ${answer.body}` };
        return success(answer.body);
      }
      // The body stays out of the message (kubernetes#99425).
      return failure(`HTTP probe failed with statuscode: ${status}`);
    }
  } finally {
    clearTimeout(timer);
  }
}
