// SPDY/3 header blocks: name/value pairs (32-bit lengths, names lower case, several values joined
// by NUL) compressed as one zlib stream per direction of a session, primed with SPDY3_DICTIONARY.
import { type Inflate, constants, createInflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';

/** Header names are lower case; a value holding several values separates them with NUL. */
export type SpdyHeaders = Record<string, string>;

export function encodeHeaderPairs(headers: SpdyHeaders): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderPairs(block: Buffer): SpdyHeaders {
  const headers: SpdyHeaders = {};
  const read = (offset: number): [string, number] => {
    if (offset + 4 > block.length) throw new Error('header block truncated');
    const len = block.readUInt32BE(offset);
    if (offset + 4 + len > block.length) throw new Error('header block truncated');
    return [block.toString('utf8', offset + 4, offset + 4 + len), offset + 4 + len];
  };
  if (block.length < 4) throw new Error('header block truncated');
  const count = block.readUInt32BE(0);
  let offset = 4;
  for (let i = 0; i < count; i++) {
    let name: string;
    let value: string;
    [name, offset] = read(offset);
    [value, offset] = read(offset);
    name = name.toLowerCase();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}\0${value}`;
  }
  return headers;
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

function adler32(data: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/**
 * The sending half. Node's zlib can only compress asynchronously when a stream's context must
 * carry over between blocks, which would make frame order depend on timing; deflate "stored"
 * blocks need no compressor and every zlib reader accepts them, so header blocks are framed as
 * stored blocks (they are a few dozen bytes, compression gains nothing), each block ending like a
 * sync flush. The first block opens the zlib stream with the header that names the SPDY
 * dictionary, as the spec requires.
 */
export class HeaderCompressor {
  #started = false;

  compress(headers: SpdyHeaders): Buffer {
    const raw = encodeHeaderPairs(headers);
    const parts: Buffer[] = [];
    if (!this.#started) {
      this.#started = true;
      // CMF 0x78 (deflate, 32 KiB window); FLG 0x20 = FDICT set, FLEVEL 0, and (CMF*256+FLG) % 31 == 0.
      parts.push(Buffer.from([0x78, 0x20]), u32(adler32(SPDY3_DICTIONARY)));
    }
    let offset = 0;
    do {
      const piece = raw.subarray(offset, offset + 0xffff);
      const head = Buffer.alloc(5);
      head[0] = 0x00; // BFINAL=0, BTYPE=00 (stored), padded to the byte boundary
      head.writeUInt16LE(piece.length, 1);
      head.writeUInt16LE(~piece.length & 0xffff, 3);
      parts.push(head, piece);
      offset += piece.length;
    } while (offset < raw.length);
    // An empty stored block, as a zlib sync flush ends with: Go's inflater only hands out a stored
    // block's bytes once it has read the next block header, which must be inside this frame.
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }
}

/** The receiving half: one inflate stream for the whole session, flushed after each block. */
export class HeaderDecompressor {
  readonly #inflate: Inflate = createInflate({ dictionary: SPDY3_DICTIONARY });
  #chunks: Buffer[] = [];
  #failure: Error | undefined;

  constructor() {
    this.#inflate.on('data', (chunk: Buffer) => this.#chunks.push(chunk));
    this.#inflate.on('error', (err: Error) => (this.#failure = err));
  }

  decompress(block: Buffer): Promise<SpdyHeaders> {
    return new Promise((resolve, reject) => {
      if (this.#failure) return reject(this.#failure);
      this.#inflate.write(block);
      this.#inflate.flush(constants.Z_SYNC_FLUSH, () => {
        if (this.#failure) return reject(this.#failure);
        const raw = Buffer.concat(this.#chunks);
        this.#chunks = [];
        try {
          resolve(decodeHeaderPairs(raw));
        } catch (err) {
          reject(err as Error);
        }
      });
    });
  }

  close(): void {
    this.#inflate.close();
  }
}
