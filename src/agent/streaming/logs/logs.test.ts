import assert from 'node:assert/strict';
import { appendFile, mkdtemp, open, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { CriLogFormatter, LineSplitter, parseCriLogLine } from './cri-log.js';
import { readContainerLog, tailOffset } from './log-reader.js';

const T1 = '2024-05-01T10:00:00.000000001Z';
const T2 = '2024-05-01T10:00:01.5Z';
const T3 = '2024-05-01T10:00:02.123456789Z';

describe('CRI log lines', () => {
  test('parse full, partial, tagged and empty lines', () => {
    const full = parseCriLogLine(Buffer.from(`${T1} stdout F hello world`));
    assert.equal(full?.stream, 'stdout');
    assert.equal(full?.partial, false);
    assert.equal(full?.content.toString(), 'hello world');
    assert.equal(full?.timeMs, Date.parse('2024-05-01T10:00:00Z'));
    assert.equal(parseCriLogLine(Buffer.from(`${T2} stderr P part`))?.partial, true);
    assert.equal(parseCriLogLine(Buffer.from(`${T2} stderr F:x:y spaced  text `))?.content.toString(), 'spaced  text ');
    assert.equal(parseCriLogLine(Buffer.from(`${T2} stdout F`))?.content.length, 0);
    assert.equal(parseCriLogLine(Buffer.from('garbage')), undefined);
    assert.equal(parseCriLogLine(Buffer.from(`${T1} stdin F x`)), undefined);
  });

  test('format: partial lines join, timestamps only at line starts, since and limit', () => {
    const lines = [`${T1} stdout P par`, `${T1} stdout F tial`, `${T2} stderr F two`, `${T3} stdout F three`].map((l) => parseCriLogLine(Buffer.from(l))!);
    const run = (f: CriLogFormatter): string => lines.map((l) => f.format(l).toString()).join('');
    assert.equal(run(new CriLogFormatter()), 'partial\ntwo\nthree\n');
    assert.equal(run(new CriLogFormatter({ timestamps: true })), `${T1} partial\n${T2} two\n${T3} three\n`);
    assert.equal(run(new CriLogFormatter({ sinceMs: Date.parse(T2) })), 'two\nthree\n');
    assert.equal(run(new CriLogFormatter({ stream: 'stderr' })), 'two\n');
    const limited = new CriLogFormatter({ limitBytes: 10 });
    assert.equal(run(limited), 'partial\ntw');
    assert.equal(limited.exhausted, true);
  });

  test('the splitter keeps an unfinished line for later', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push(Buffer.from('a\nb')).map(String), ['a']);
    assert.equal(s.pending, 1);
    assert.deepEqual(s.push(Buffer.from('c\n\nd\n')).map(String), ['bc', '', 'd']);
  });
});

describe('reading log files', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kite-logs-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const collect = (): { out: PassThrough; text: () => string } => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    return { out, text: () => text };
  };
  const line = (n: number, tag = 'F', stream = 'stdout'): string => `${T1} ${stream} ${tag} line ${n}\n`;

  test('tail counts logical lines (P parts belong to their F line), ignores an unfinished last line', async () => {
    const path = join(dir, 'tail.log');
    await writeFile(path, line(1) + line(2, 'P') + line(3) + line(4) + `${T1} stdout F unfinis`);
    const fh = await open(path, 'r');
    const size = (await fh.stat()).size;
    assert.equal(await tailOffset(fh, size, 1), (line(1) + line(2, 'P') + line(3)).length);
    assert.equal(await tailOffset(fh, size, 2), line(1).length);
    assert.equal(await tailOffset(fh, size, 3), 0);
    assert.equal(await tailOffset(fh, size, 10), 0);
    assert.equal(await tailOffset(fh, size, 0), (line(1) + line(2, 'P') + line(3) + line(4)).length);
    await fh.close();
    const c = collect();
    await readContainerLog(path, c.out, { tailLines: 2 });
    assert.equal(c.text(), 'line 2line 3\nline 4\n');
  });

  test('tail across many chunks', async () => {
    const path = join(dir, 'big.log');
    const all = Array.from({ length: 5000 }, (_, i) => line(i)).join('');
    await writeFile(path, all);
    const c = collect();
    await readContainerLog(path, c.out, { tailLines: 3 });
    assert.equal(c.text(), 'line 4997\nline 4998\nline 4999\n');
    const whole = collect();
    await readContainerLog(path, whole.out, {});
    assert.equal(whole.text().split('\n').length, 5001);
  });

  test('follow: appended lines, a rotation, and the end when the container stops', async () => {
    const path = join(dir, '0.log');
    await writeFile(path, line(1));
    let running = true;
    const c = collect();
    const done = readContainerLog(path, c.out, { follow: true, isRunning: async () => running, pollMs: 50 });
    const until = async (text: string): Promise<void> => {
      const deadline = Date.now() + 5000;
      while (!c.text().includes(text)) {
        if (Date.now() > deadline) throw new Error(`no "${text}" in ${JSON.stringify(c.text())}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    await until('line 1\n');
    await appendFile(path, line(2, 'P'));
    await appendFile(path, line(3));
    await until('line 2line 3\n');
    await appendFile(path, line(4));
    await rename(path, `${path}.20240501-100000`);
    await writeFile(path, line(5));
    await until('line 5\n');
    await appendFile(path, line(6));
    running = false;
    await done;
    assert.equal(c.text(), 'line 1\nline 2line 3\nline 4\nline 5\nline 6\n');
  });

  test('follow ends on abort', async () => {
    const path = join(dir, 'abort.log');
    await writeFile(path, line(1));
    const c = collect();
    const ac = new AbortController();
    const done = readContainerLog(path, c.out, { follow: true, signal: ac.signal, pollMs: 5000 });
    setTimeout(() => ac.abort(), 50);
    const t0 = Date.now();
    await done;
    assert.ok(Date.now() - t0 < 2000);
    assert.equal(c.text(), 'line 1\n');
  });
});
