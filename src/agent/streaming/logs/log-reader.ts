// Reads a container's CRI log file for `kubectl logs`: from the start or the last N lines, and
// with follow, keeps reading as the runtime appends, across rotations (the file renamed and a new
// one created at the same path), until the container stops or the reader is aborted.
import { type FSWatcher, watch } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { CriLogFormatter, LineSplitter, type LogFormatOptions, endsLogicalLine, parseCriLogLine } from './cri-log.js';

export interface ReadLogOptions extends LogFormatOptions {
  follow?: boolean;
  /** Only the last N lines (a line split into P parts counts once). */
  tailLines?: number;
  /** Whether the container still runs: following ends once it does not and the file is drained. */
  isRunning?: () => Promise<boolean>;
  signal?: AbortSignal;
  /** How often a follower looks for changes without a file event, ms; default 1000. */
  pollMs?: number;
}

const CHUNK = 64 * 1024;

/** Offset at which the last `lines` logical lines begin (0 when the file has fewer). */
export async function tailOffset(file: FileHandle, size: number, lines: number): Promise<number> {
  let buf: Buffer = Buffer.alloc(0);
  let bufStart = size; // absolute offset of buf[0]
  let bufEnd = size; // where the unsplit region ends: a newline, or EOF before the first split
  let complete = false; // the region ending at bufEnd is terminated by a newline
  let found = 0;
  for (;;) {
    const nl = buf.lastIndexOf(0x0a);
    if (nl < 0 && bufStart > 0) {
      const len = Math.min(CHUNK, bufStart);
      const chunk = Buffer.alloc(len);
      await file.read(chunk, 0, len, bufStart - len);
      bufStart -= len;
      buf = Buffer.concat([chunk, buf]);
      continue;
    }
    const line = buf.subarray(nl + 1);
    if (complete && endsLogicalLine(line) && ++found === lines + 1) return bufEnd + 1;
    if (nl < 0) return 0;
    buf = buf.subarray(0, nl);
    bufEnd = bufStart + nl;
    complete = true;
  }
}

/** Writes the log to `out` (not ending it); resolves when done, aborted, or out is closed. */
export async function readContainerLog(path: string, out: Writable, opts: ReadLogOptions = {}): Promise<void> {
  const formatter = new CriLogFormatter(opts);
  const splitter = new LineSplitter();
  const pollMs = opts.pollMs ?? 1000;
  const stopped = (): boolean => opts.signal?.aborted === true || out.destroyed || formatter.exhausted;

  let file = await open(path, 'r');
  let ino = (await file.stat()).ino;
  let position = 0;
  if (opts.tailLines !== undefined) position = await tailOffset(file, (await file.stat()).size, opts.tailLines);

  const emit = async (lines: Buffer[]): Promise<void> => {
    const parts: Buffer[] = [];
    for (const raw of lines) {
      const parsed = parseCriLogLine(raw);
      if (parsed) parts.push(formatter.format(parsed));
    }
    const bytes = Buffer.concat(parts);
    if (bytes.length === 0 || out.destroyed) return;
    if (!out.write(bytes)) await drained(out, opts.signal);
  };
  /** Reads what the file has past `position`; false at EOF. */
  const readMore = async (): Promise<boolean> => {
    const chunk = Buffer.alloc(CHUNK);
    const { bytesRead } = await file.read(chunk, 0, CHUNK, position);
    if (bytesRead === 0) return false;
    position += bytesRead;
    await emit(splitter.push(chunk.subarray(0, bytesRead)));
    return true;
  };

  const changes = opts.follow ? new ChangeWaiter(path, pollMs) : undefined;
  try {
    while (!stopped() && (await readMore()));
    if (!opts.follow) return;
    let lastRunningCheck = 0;
    while (!stopped()) {
      await changes!.next(opts.signal);
      if (stopped()) return;
      if (await readMore()) {
        while (!stopped() && (await readMore()));
        continue;
      }
      const current = await stat(path).catch(() => undefined);
      if (current && current.ino !== ino) {
        // Rotated: the old file is drained (EOF above); continue with the new one from its start.
        await file.close();
        file = await open(path, 'r');
        ino = (await file.stat()).ino;
        position = 0;
        continue;
      }
      if (opts.isRunning && Date.now() - lastRunningCheck >= pollMs) {
        lastRunningCheck = Date.now();
        if (!(await opts.isRunning())) {
          while (!stopped() && (await readMore()));
          return;
        }
      }
    }
  } finally {
    changes?.close();
    await file.close();
  }
}

function drained(out: Writable, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('close', done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
    signal?.addEventListener('abort', done);
  });
}

/** Wakes a follower on a change in the log's directory, or after pollMs at the latest. */
class ChangeWaiter {
  #watcher: FSWatcher | undefined;
  #wake: (() => void) | undefined;
  #dirty = false;
  readonly #pollMs: number;

  constructor(path: string, pollMs: number) {
    this.#pollMs = pollMs;
    const name = basename(path);
    try {
      this.#watcher = watch(dirname(path), { persistent: false }, (_event, file) => {
        if (file !== null && file !== name) return;
        this.#dirty = true;
        this.#wake?.();
      });
      this.#watcher.on('error', () => undefined);
    } catch {
      this.#watcher = undefined; // polling only
    }
  }

  next(signal?: AbortSignal): Promise<void> {
    if (this.#dirty) {
      this.#dirty = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.#pollMs);
      const self = this;
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        self.#wake = undefined;
        self.#dirty = false;
        resolve();
      }
      this.#wake = done;
      signal?.addEventListener('abort', done);
    });
  }

  close(): void {
    this.#watcher?.close();
  }
}
