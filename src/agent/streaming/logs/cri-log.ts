// CRI container log files, as containerd writes them: one line per write,
// `<RFC3339Nano time> <stdout|stderr> <tags> <content>`, where the first tag is P for a partial
// line (continued by the next one) or F for the end of a line. The kubelet turns them back into
// the container's output; so does this module, with its options (timestamps, since, limit).

export type LogStream = 'stdout' | 'stderr';

export interface CriLogLine {
  /** The time exactly as written (RFC 3339 with nanoseconds). */
  timestamp: string;
  /** The same time in milliseconds since the epoch (NaN if unreadable). */
  timeMs: number;
  stream: LogStream;
  /** True for a P line: its content continues in the next line. */
  partial: boolean;
  content: Buffer;
}

const SPACE = 0x20;

/** Parses one line (without its newline); undefined when it is not a CRI log line. */
export function parseCriLogLine(line: Buffer): CriLogLine | undefined {
  const t = line.indexOf(SPACE);
  if (t <= 0) return undefined;
  const s = line.indexOf(SPACE, t + 1);
  if (s < 0) return undefined;
  const stream = line.toString('latin1', t + 1, s);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  let tagEnd = line.indexOf(SPACE, s + 1);
  if (tagEnd < 0) tagEnd = line.length;
  const tags = line.toString('latin1', s + 1, tagEnd).split(':');
  const timestamp = line.toString('latin1', 0, t);
  return {
    timestamp,
    timeMs: Date.parse(timestamp),
    stream,
    partial: tags[0] === 'P',
    content: line.subarray(Math.min(tagEnd + 1, line.length)),
  };
}

/** Whether a raw line ends a logical line (its first tag is not P). */
export function endsLogicalLine(line: Buffer): boolean {
  const parsed = parseCriLogLine(line);
  return parsed === undefined || !parsed.partial;
}

export interface LogFormatOptions {
  /** Prefix each line with its time (RFC 3339 with nanoseconds) and a space. */
  timestamps?: boolean;
  /** Drop lines written before this time (ms since the epoch). */
  sinceMs?: number;
  /** Stop after this many bytes of output. */
  limitBytes?: number;
  /** Only this stream (the kubelet's "stream" option); both when unset. */
  stream?: LogStream;
}

/** Turns parsed lines into output bytes, like the kubelet's log writer. */
export class CriLogFormatter {
  readonly #opts: LogFormatOptions;
  #remaining: number;
  #atLineStart = true;

  constructor(opts: LogFormatOptions = {}) {
    this.#opts = opts;
    this.#remaining = opts.limitBytes ?? Number.POSITIVE_INFINITY;
  }

  /** True once limitBytes have been produced: the reader can stop. */
  get exhausted(): boolean {
    return this.#remaining <= 0;
  }

  /** The output for one line (empty when filtered out), cut at limitBytes. */
  format(line: CriLogLine): Buffer {
    if (this.exhausted) return Buffer.alloc(0);
    if (this.#opts.stream && line.stream !== this.#opts.stream) return Buffer.alloc(0);
    if (this.#opts.sinceMs !== undefined && line.timeMs < this.#opts.sinceMs) return Buffer.alloc(0);
    const parts: Buffer[] = [];
    if (this.#opts.timestamps && this.#atLineStart) parts.push(Buffer.from(`${line.timestamp} `, 'latin1'));
    parts.push(line.content);
    if (!line.partial) parts.push(Buffer.from('\n'));
    this.#atLineStart = !line.partial;
    let out = Buffer.concat(parts);
    if (out.length > this.#remaining) out = out.subarray(0, this.#remaining);
    this.#remaining -= out.length;
    return out;
  }
}

/** Splits bytes into complete lines; an unfinished last line waits for more bytes. */
export class LineSplitter {
  #carry: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    const data = this.#carry.length ? Buffer.concat([this.#carry, chunk]) : chunk;
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(0x0a, start); nl >= 0; nl = data.indexOf(0x0a, start)) {
      lines.push(data.subarray(start, nl));
      start = nl + 1;
    }
    this.#carry = Buffer.from(data.subarray(start));
    return lines;
  }

  /** Bytes of an unfinished line. */
  get pending(): number {
    return this.#carry.length;
  }
}
