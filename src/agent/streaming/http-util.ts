// Small HTTP pieces of the agent server: errors as the kubelet writes them (plain text), on a
// response or on a socket whose upgrade is refused, and request path/flag parsing.
import type { ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

export class AgentHttpError extends Error {
  override readonly name = 'AgentHttpError';
  constructor(readonly code: number, message: string) {
    super(message);
  }
}

export const badRequest = (message: string): AgentHttpError => new AgentHttpError(400, message);
export const notFound = (message: string): AgentHttpError => new AgentHttpError(404, message);

export function httpErrorOf(err: unknown): AgentHttpError {
  if (err instanceof AgentHttpError) return err;
  return new AgentHttpError(500, err instanceof Error ? err.message : String(err));
}

export function writeError(res: ServerResponse, err: AgentHttpError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${err.message}\n`;
  res.writeHead(err.code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff' });
  res.end(body);
}

/** Answers a refused upgrade on the raw socket and closes it. */
export function writeUpgradeError(socket: Duplex, err: AgentHttpError): void {
  if (socket.destroyed) return;
  const body = `${err.message}\n`;
  socket.end(
    `HTTP/1.1 ${err.code} ${STATUS_CODES[err.code] ?? 'Error'}\r\n` +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n' + body,
  );
}

/** Completes a SPDY upgrade with the negotiated protocol. */
export function writeSpdySwitch(socket: Duplex, protocol: string): void {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${protocol}\r\n\r\n`);
}

/** The X-Stream-Protocol-Version values a SPDY client offered (the header may repeat or list). */
export function offeredStreamProtocols(header: string | string[] | undefined): string[] {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text.split(',').map((p) => p.trim()).filter((p) => p !== '');
}

export function isSpdyUpgrade(upgrade: string | undefined): boolean {
  return (upgrade ?? '').toLowerCase().startsWith('spdy/3');
}

/** Path segments after a prefix, URL-decoded: "/exec/ns/pod/c" -> ["ns","pod","c"]. */
export function pathParams(pathname: string, prefix: string): string[] {
  return pathname.slice(prefix.length).split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s));
}

export function boolParam(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v !== null && (v === '' || v === '1' || v.toLowerCase() === 'true');
}

/** A non-negative integer query parameter, undefined when absent. */
export function intParam(query: URLSearchParams, name: string, min: number): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw badRequest(`${name}: Invalid value: "${v}": must be greater than or equal to ${min}`);
  return n;
}
