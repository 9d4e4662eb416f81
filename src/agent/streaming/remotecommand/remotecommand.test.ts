import assert from 'node:assert/strict';
import { once } from 'node:events';
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { describe, test } from 'node:test';
import { WebSocket } from 'ws';
import { readText } from '../testing.js';
import { acceptWebSocket, negotiate } from '../websocket.js';
import { type CommandFrontend, websocketFrontend } from './frontends.js';
import { WS_REMOTE_COMMAND_PROTOCOLS, expectedStreamTypes, exitCodeStatus, parseRemoteCommandOptions } from './protocol.js';

describe('remote-command options', () => {
  test('kubelet (input/output/error=1) and API (stdin/stdout/stderr=true) spellings; a terminal drops stderr', () => {
    const kubelet = parseRemoteCommandOptions(new URLSearchParams('command=ls&command=-l&input=1&output=1&error=1'));
    assert.deepEqual(kubelet, { stdin: true, stdout: true, stderr: true, tty: false, command: ['ls', '-l'] });
    const api = parseRemoteCommandOptions(new URLSearchParams('stdout=true&stderr=true&tty=true'));
    assert.deepEqual(api, { stdin: false, stdout: true, stderr: false, tty: true, command: [] });
    assert.deepEqual(expectedStreamTypes(kubelet), ['error', 'stdin', 'stdout', 'stderr']);
    assert.deepEqual(expectedStreamTypes(api), ['error', 'stdout', 'resize']);
  });

  test('the exit-code Status is what kubectl turns into its own exit code', () => {
    assert.deepEqual(JSON.parse(exitCodeStatus(2)), {
      metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', message: 'command terminated with non-zero exit code: exit code 2',
      details: { causes: [{ reason: 'ExitCode', message: '2' }] },
    });
  });
});

describe('WebSocket channel framing', () => {
  /** A server whose connections become frontends; the client offers `protocols`. */
  async function connectPair(protocols: string[], opts = { stdin: true, stdout: true, stderr: true, tty: true, command: [] }): Promise<{ client: WebSocket; frontend: CommandFrontend; close(): void }> {
    const server = createServer();
    const frontends: CommandFrontend[] = [];
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const protocol = negotiate(req, WS_REMOTE_COMMAND_PROTOCOLS)!;
      void acceptWebSocket(req, socket, head, protocol).then((ws) => frontends.push(websocketFrontend(ws, protocol, opts)));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, protocols);
    await once(client, 'open');
    while (frontends.length === 0) await new Promise((r) => setTimeout(r, 5));
    return { client, frontend: frontends[0]!, close: () => server.close() };
  }
  const frame = (channel: number, text = ''): Buffer => Buffer.concat([Buffer.from([channel]), Buffer.from(text)]);

  test('v5: stdin on 0 and resize on 4 in, stdout 1 / stderr 2 out, [255,0] ends stdin, Status on 3 then close 1000', async () => {
    const { client, frontend, close } = await connectPair(['v5.channel.k8s.io', 'v4.channel.k8s.io']);
    assert.equal(client.protocol, 'v5.channel.k8s.io');
    const received: Buffer[] = [];
    client.on('message', (d: Buffer) => received.push(d));
    const stdin = readText(frontend.stdin!);
    const resize = new Promise<string>((resolve) => frontend.resize!.once('data', (d: Buffer) => resolve(d.toString())));
    client.send(frame(4, '{"Width":80,"Height":24}'));
    client.send(frame(0, 'typed '));
    client.send(frame(0, 'text'));
    client.send(Buffer.from([255, 0]));
    assert.equal(await stdin, 'typed text');
    assert.equal(await resize, '{"Width":80,"Height":24}');
    frontend.stdout!.write('out');
    frontend.stderr!.write('err');
    const closed = once(client, 'close');
    await frontend.finish(exitCodeStatus(1));
    const [code] = (await closed) as [number];
    assert.equal(code, 1000);
    assert.deepEqual(received.map((m) => [m[0], m.subarray(1).toString()]), [[1, 'out'], [2, 'err'], [3, exitCodeStatus(1)]]);
    close();
  });

  test('v4: no close signal (stdin ends with the connection); an empty Status is sent as Success', async () => {
    const { client, frontend, close } = await connectPair(['v4.channel.k8s.io']);
    assert.equal(client.protocol, 'v4.channel.k8s.io');
    let ended = false;
    frontend.stdin!.on('end', () => (ended = true)).resume();
    client.send(Buffer.from([255, 0]));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(ended, false, 'v4 has no close signal');
    const status = new Promise<Buffer>((resolve) => client.once('message', resolve));
    await frontend.finish('');
    assert.equal((await status).subarray(1).toString(), '{"metadata":{},"status":"Success"}');
    close();
  });
});
