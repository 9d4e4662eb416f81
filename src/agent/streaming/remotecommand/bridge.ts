// Joins a client's exec/attach session (frontend) to the runtime's (backend): stdin and resize
// flow in, stdout and stderr flow out, and once the runtime closes its session the client gets
// the Status the runtime wrote on its error stream. A client that goes away ends the runtime side.
import { finished } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import type { RemoteCommandStreams } from '../runtime-stream.js';
import type { CommandFrontend } from './frontends.js';

export async function bridgeRemoteCommand(frontend: CommandFrontend, backend: RemoteCommandStreams): Promise<void> {
  let status = '';
  backend.error.on('data', (chunk: Buffer) => (status += chunk.toString('utf8')));

  if (frontend.stdin && backend.stdin) frontend.stdin.pipe(backend.stdin);
  else backend.stdin?.end();
  if (frontend.resize && backend.resize) frontend.resize.pipe(backend.resize);

  const outputs: Promise<void>[] = [];
  const forward = (from: Readable | undefined, to: NodeJS.WritableStream | undefined): void => {
    if (!from) return;
    if (to) from.pipe(to, { end: false });
    else from.resume();
    outputs.push(finished(from, { writable: false }).catch(() => undefined));
  };
  forward(backend.stdout, frontend.stdout);
  forward(backend.stderr, frontend.stderr);

  frontend.onClose(() => backend.session.destroy());
  if (!backend.session.closed) await new Promise<void>((resolve) => backend.session.once('close', () => resolve()));
  await Promise.all(outputs);
  await frontend.finish(status);
}
