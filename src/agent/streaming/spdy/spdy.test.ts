import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { type AddressInfo, type Socket, connect, createServer } from 'node:net';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import { constants, createDeflate, inflateSync } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { FLAG_FIN, FrameParser, RstStatus, type SpdyFrame, encodeFrame } from './frames.js';
import { HeaderCompressor, HeaderDecompressor, decodeHeaderPairs, encodeHeaderPairs } from './header-block.js';
import { SpdySession } from './session.js';
import type { SpdyStream } from './stream.js';

describe('SPDY/3 dictionary', () => {
  test('is the 1423 bytes of the spec', () => {
    assert.equal(SPDY3_DICTIONARY.length, 1423);
    assert.equal(createHash('sha256').update(SPDY3_DICTIONARY).digest('hex'), '51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
  });
});

describe('SPDY frames', () => {
  const frames: SpdyFrame[] = [
    { type: 'data', streamId: 3, flags: FLAG_FIN, data: Buffer.from('hello') },
    { type: 'data', streamId: 0x7fffffff, flags: 0, data: Buffer.alloc(0) },
    { type: 'syn_stream', streamId: 1, associatedId: 0, priority: 7, flags: FLAG_FIN, headerBlock: Buffer.from([1, 2, 3]) },
    { type: 'syn_reply', streamId: 1, flags: 0, headerBlock: Buffer.from([9]) },
    { type: 'headers', streamId: 5, flags: FLAG_FIN, headerBlock: Buffer.alloc(0) },
    { type: 'rst_stream', streamId: 5, status: RstStatus.CANCEL },
    { type: 'settings', flags: 0, entries: [{ flags: 1, id: 7, value: 65536 }] },
    { type: 'ping', id: 0xfffffffe },
    { type: 'goaway', lastGoodStreamId: 9, status: 0 },
    { type: 'window_update', streamId: 1, delta: 1000 },
  ];

  test('round-trip through the parser, whole and byte by byte', () => {
    const wire = Buffer.concat(frames.map(encodeFrame));
    assert.deepEqual(new FrameParser().push(wire), frames);
    const parser = new FrameParser();
    const got: SpdyFrame[] = [];
    for (const byte of wire) got.push(...parser.push(Buffer.from([byte])));
    assert.deepEqual(got, frames);
    assert.equal(parser.buffered, 0);
  });

  test('wire layout of a control frame and a data frame', () => {
    assert.deepEqual([...encodeFrame({ type: 'ping', id: 1 })], [0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0, 0, 0, 1]);
    assert.deepEqual([...encodeFrame({ type: 'data', streamId: 1, flags: FLAG_FIN, data: Buffer.from('a') })], [0, 0, 0, 1, 0x01, 0, 0, 1, 0x61]);
  });
});

describe('SPDY header blocks', () => {
  test('pairs encode and decode, names lower-cased, repeated names NUL-joined', () => {
    const raw = encodeHeaderPairs({ StreamType: 'error', port: '8080' });
    assert.deepEqual(decodeHeaderPairs(raw), { streamtype: 'error', port: '8080' });
    const twice = Buffer.concat([Buffer.from([0, 0, 0, 2]), raw.subarray(4, 4 + 4 + 10 + 4 + 5), raw.subarray(4, 4 + 4 + 10 + 4 + 5)]);
    assert.deepEqual(decodeHeaderPairs(twice), { streamtype: 'error\0error' });
  });

  test('the compressor writes a zlib stream (dictionary header, stored blocks) that zlib inflates', () => {
    const c = new HeaderCompressor();
    const blocks = [c.compress({ streamtype: 'error' }), c.compress({ streamtype: 'data', port: '80', requestid: '0' }), c.compress({})];
    assert.equal(blocks[0]![0], 0x78);
    assert.equal(blocks[0]![1]! & 0x20, 0x20, 'FDICT is set');
    const all = inflateSync(Buffer.concat(blocks), { dictionary: SPDY3_DICTIONARY, finishFlush: constants.Z_SYNC_FLUSH });
    assert.deepEqual(all, Buffer.concat([encodeHeaderPairs({ streamtype: 'error' }), encodeHeaderPairs({ streamtype: 'data', port: '80', requestid: '0' }), encodeHeaderPairs({})]));
  });

  test('the decompressor reads a real compressed stream block by block (as Go writes it)', async () => {
    const deflate = createDeflate({ dictionary: SPDY3_DICTIONARY, level: 9 });
    const chunks: Buffer[] = [];
    deflate.on('data', (d: Buffer) => chunks.push(d));
    const block = async (headers: Record<string, string>): Promise<Buffer> => {
      deflate.write(encodeHeaderPairs(headers));
      await new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
      const out = Buffer.concat(chunks);
      chunks.length = 0;
      return out;
    };
    const d = new HeaderDecompressor();
    const first = await block({ streamtype: 'stdout' });
    const second = await block({ streamtype: 'stdout' }); // back-references into the first block
    assert.ok(second.length < first.length, 'the second block is compressed against the first');
    assert.deepEqual(await d.decompress(first), { streamtype: 'stdout' });
    assert.deepEqual(await d.decompress(second), { streamtype: 'stdout' });
    assert.deepEqual(await d.decompress(new HeaderCompressor().compress({ a: 'b' }).subarray(6)), { a: 'b' }, 'stored blocks continue a stream');
    d.close();
    deflate.close();
  });
});

describe('SPDY session', () => {
  const sockets: Socket[] = [];
  after(() => sockets.forEach((s) => s.destroy()));

  async function pair(): Promise<{ client: SpdySession; server: SpdySession; serverSocket: Socket; clientSocket: Socket }> {
    const srv = createServer();
    srv.listen(0, '127.0.0.1');
    await once(srv, 'listening');
    const clientSocket = connect((srv.address() as AddressInfo).port, '127.0.0.1');
    const [serverSocket] = (await once(srv, 'connection')) as [Socket];
    srv.close();
    sockets.push(clientSocket, serverSocket);
    return { client: new SpdySession(clientSocket, { isServer: false }), server: new SpdySession(serverSocket, { isServer: true }), serverSocket, clientSocket };
  }

  // Not `for await`: finishing the iteration destroys the Duplex, which would reset the stream.
  const readAll = (s: SpdyStream): Promise<string> => new Promise((resolve) => {
    let text = '';
    s.on('data', (chunk: Buffer) => (text += chunk.toString()));
    s.on('end', () => resolve(text));
  });

  test('streams carry headers and data both ways, FIN half-closes', async () => {
    const { client, server } = await pair();
    const accepted = once(server, 'stream') as Promise<[SpdyStream]>;
    const stream = await client.openStream({ streamType: 'stdin' });
    assert.equal(stream.id, 1);
    const [peer] = await accepted;
    assert.deepEqual(peer.headers, { streamtype: 'stdin' });
    stream.end('to server');
    assert.equal(await readAll(peer), 'to server');
    peer.end(Buffer.alloc(200_000, 'x'));
    assert.equal((await readAll(stream)).length, 200_000);
    const second = await client.openStream({ streamtype: 'stdout' });
    assert.equal(second.id, 3);
    client.destroy();
  });

  test('ping round trip both ways; reset reaches the other side', async () => {
    const { client, server } = await pair();
    assert.ok((await client.ping()) >= 0);
    assert.ok((await server.ping()) >= 0);
    const accepted = once(server, 'stream') as Promise<[SpdyStream]>;
    const stream = await client.openStream({ streamtype: 'data' });
    const [peer] = await accepted;
    const reset = once(peer, 'reset');
    stream.destroy();
    assert.deepEqual(await reset, [RstStatus.CANCEL]);
    client.destroy();
  });

  test('a slow reader pauses the connection, and its stream\'s end releases it', { timeout: 10_000 }, async () => {
    const { client, server } = await pair();
    const accepted = once(server, 'stream') as Promise<[SpdyStream]>;
    const slow = await client.openStream({ streamtype: 'stdout' });
    const [slowPeer] = await accepted;
    const acceptedOther = once(server, 'stream') as Promise<[SpdyStream]>;
    const other = await client.openStream({ streamtype: 'stderr' });
    const [otherPeer] = await acceptedOther;
    slowPeer.end(Buffer.alloc(2_000_000, 'a'));
    let received = 0;
    slow.on('data', (d: Buffer) => {
      received += d.length;
      slow.pause();
      setTimeout(() => slow.resume(), 1);
    });
    await once(slow, 'end');
    assert.equal(received, 2_000_000);
    otherPeer.end('after');
    assert.equal(await readAll(other), 'after');
    client.destroy();
  });

  test('GOAWAY is reported and the connection end ends open streams', async () => {
    const { client, server } = await pair();
    const accepted = once(server, 'stream') as Promise<[SpdyStream]>;
    const stream = await client.openStream({ streamtype: 'stdout' });
    const [peer] = await accepted;
    const goaway = once(client, 'goaway');
    peer.write('last words');
    server.close();
    assert.deepEqual(await goaway, [1, 0]);
    assert.equal(await readAll(stream), 'last words');
    await assert.rejects(client.openStream({ streamtype: 'x' }), /closed/);
  });
});
