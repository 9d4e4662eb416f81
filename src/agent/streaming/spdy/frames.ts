// SPDY/3.1 frames (draft-mbelshe-httpbis-spdy-00 with the 3.1 additions): binary encoding and an
// incremental parser. Header blocks stay opaque bytes here; header-block.ts (de)compresses them.
//
// kubectl, the kubelet and containerd speak SPDY through Go's moby/spdystream. No maintained npm
// library fits: `spdy-transport` (unmaintained since 2018) treats every stream as an HTTP request
// and drops streams without :method/:path, which Kubernetes' streams never carry. The few frames
// Kubernetes uses are simple, so kite has this minimal layer.

export const SPDY_VERSION = 3;

export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;

/** RST_STREAM status codes. */
export const RstStatus = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  UNSUPPORTED_VERSION: 4,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  FLOW_CONTROL_ERROR: 7,
  STREAM_IN_USE: 8,
  STREAM_ALREADY_CLOSED: 9,
} as const;

/** The largest payload a frame's 24-bit length can describe. */
export const MAX_FRAME_PAYLOAD = 0xffffff;

export type SpdyFrame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedId: number; priority: number; flags: number; headerBlock: Buffer }
  | { type: 'syn_reply'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'headers'; streamId: number; flags: number; headerBlock: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; flags: number; entries: { flags: number; id: number; value: number }[] }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'window_update'; streamId: number; delta: number }
  | { type: 'unknown'; frameType: number; version: number; flags: number; payload: Buffer };

export class SpdyProtocolError extends Error {
  override readonly name = 'SpdyProtocolError';
}

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError(`frame payload of ${payload.length} bytes is too large`);
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24 | payload.length) >>> 0, 4);
  return Buffer.concat([head, payload]);
}

const u32 = (...values: number[]): Buffer => {
  const b = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
};

export function encodeFrame(frame: SpdyFrame): Buffer {
  switch (frame.type) {
    case 'data': {
      if (frame.data.length > MAX_FRAME_PAYLOAD) throw new SpdyProtocolError('data frame too large');
      const head = u32(frame.streamId & 0x7fffffff, ((frame.flags & 0xff) << 24 | frame.data.length) >>> 0);
      return Buffer.concat([head, frame.data]);
    }
    case 'syn_stream': {
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(frame.streamId & 0x7fffffff, 0);
      fixed.writeUInt32BE(frame.associatedId & 0x7fffffff, 4);
      fixed.writeUInt8((frame.priority & 0x7) << 5, 8);
      fixed.writeUInt8(0, 9); // slot
      return controlFrame(FrameType.SYN_STREAM, frame.flags, Buffer.concat([fixed, frame.headerBlock]));
    }
    case 'syn_reply':
      return controlFrame(FrameType.SYN_REPLY, frame.flags, Buffer.concat([u32(frame.streamId & 0x7fffffff), frame.headerBlock]));
    case 'headers':
      return controlFrame(FrameType.HEADERS, frame.flags, Buffer.concat([u32(frame.streamId & 0x7fffffff), frame.headerBlock]));
    case 'rst_stream':
      return controlFrame(FrameType.RST_STREAM, 0, u32(frame.streamId & 0x7fffffff, frame.status));
    case 'settings':
      return controlFrame(FrameType.SETTINGS, frame.flags, Buffer.concat([
        u32(frame.entries.length),
        ...frame.entries.map((e) => u32(((e.flags & 0xff) << 24 | (e.id & 0xffffff)) >>> 0, e.value)),
      ]));
    case 'ping':
      return controlFrame(FrameType.PING, 0, u32(frame.id));
    case 'goaway':
      return controlFrame(FrameType.GOAWAY, 0, u32(frame.lastGoodStreamId & 0x7fffffff, frame.status));
    case 'window_update':
      return controlFrame(FrameType.WINDOW_UPDATE, 0, u32(frame.streamId & 0x7fffffff, frame.delta & 0x7fffffff));
    case 'unknown': {
      const head = Buffer.alloc(4);
      head.writeUInt16BE(0x8000 | frame.version, 0);
      head.writeUInt16BE(frame.frameType, 2);
      const rest = controlFrame(0, frame.flags, frame.payload).subarray(4);
      return Buffer.concat([head, rest]);
    }
  }
}

function need(payload: Buffer, bytes: number, what: string): void {
  if (payload.length < bytes) throw new SpdyProtocolError(`${what} frame too short (${payload.length} bytes)`);
}

function decodeControl(type: number, version: number, flags: number, payload: Buffer): SpdyFrame {
  if (version !== SPDY_VERSION) return { type: 'unknown', frameType: type, version, flags, payload };
  switch (type) {
    case FrameType.SYN_STREAM:
      need(payload, 10, 'SYN_STREAM');
      return {
        type: 'syn_stream',
        streamId: payload.readUInt32BE(0) & 0x7fffffff,
        associatedId: payload.readUInt32BE(4) & 0x7fffffff,
        priority: payload[8]! >> 5,
        flags,
        headerBlock: payload.subarray(10),
      };
    case FrameType.SYN_REPLY:
    case FrameType.HEADERS:
      need(payload, 4, type === FrameType.HEADERS ? 'HEADERS' : 'SYN_REPLY');
      return { type: type === FrameType.HEADERS ? 'headers' : 'syn_reply', streamId: payload.readUInt32BE(0) & 0x7fffffff, flags, headerBlock: payload.subarray(4) };
    case FrameType.RST_STREAM:
      need(payload, 8, 'RST_STREAM');
      return { type: 'rst_stream', streamId: payload.readUInt32BE(0) & 0x7fffffff, status: payload.readUInt32BE(4) };
    case FrameType.SETTINGS: {
      need(payload, 4, 'SETTINGS');
      const count = payload.readUInt32BE(0);
      need(payload, 4 + count * 8, 'SETTINGS');
      const entries = [];
      for (let i = 0; i < count; i++) {
        const word = payload.readUInt32BE(4 + i * 8);
        entries.push({ flags: word >>> 24, id: word & 0xffffff, value: payload.readUInt32BE(8 + i * 8) });
      }
      return { type: 'settings', flags, entries };
    }
    case FrameType.PING:
      need(payload, 4, 'PING');
      return { type: 'ping', id: payload.readUInt32BE(0) };
    case FrameType.GOAWAY:
      need(payload, 4, 'GOAWAY');
      // SPDY/2 peers sent no status; treat a missing one as OK.
      return { type: 'goaway', lastGoodStreamId: payload.readUInt32BE(0) & 0x7fffffff, status: payload.length >= 8 ? payload.readUInt32BE(4) : 0 };
    case FrameType.WINDOW_UPDATE:
      need(payload, 8, 'WINDOW_UPDATE');
      return { type: 'window_update', streamId: payload.readUInt32BE(0) & 0x7fffffff, delta: payload.readUInt32BE(4) & 0x7fffffff };
    default:
      return { type: 'unknown', frameType: type, version, flags, payload };
  }
}

/** Cuts a byte stream into frames; bytes of an incomplete frame wait for the next push. */
export class FrameParser {
  #pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SpdyFrame[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const frames: SpdyFrame[] = [];
    let offset = 0;
    while (this.#pending.length - offset >= 8) {
      const word = this.#pending.readUInt32BE(offset);
      const flagsAndLength = this.#pending.readUInt32BE(offset + 4);
      const length = flagsAndLength & 0xffffff;
      if (this.#pending.length - offset < 8 + length) break;
      const payload = this.#pending.subarray(offset + 8, offset + 8 + length);
      const flags = flagsAndLength >>> 24;
      if (word & 0x80000000) {
        frames.push(decodeControl(word & 0xffff, (word >>> 16) & 0x7fff, flags, payload));
      } else {
        frames.push({ type: 'data', streamId: word & 0x7fffffff, flags, data: Buffer.from(payload) });
      }
      offset += 8 + length;
    }
    this.#pending = this.#pending.subarray(offset);
    return frames;
  }

  /** Bytes received that do not yet make a whole frame. */
  get buffered(): number {
    return this.#pending.length;
  }
}
