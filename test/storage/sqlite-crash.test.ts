// Acknowledged writes survive kill -9: a child process writes through the SQLite store and
// prints every acknowledged write; it is SIGKILLed mid-write and the database is checked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';
import type { WatchEvent } from '../../src/storage/store.js';
import { valueFor } from './crash-writer.js';

const WRITER = fileURLToPath(new URL('./crash-writer.js', import.meta.url));
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

/** Runs the writer until it acknowledged `acks` writes, then SIGKILLs it; returns the acknowledged lines. */
function writeThenKill(file: string, acks: number, tag: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, file, '16', tag], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`writer too slow; stderr: ${err}`)); }, 30_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (!killed && out.split('\n').length > acks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') return reject(new Error(`writer exited early (${code}): ${err}`));
      // Only complete lines were acknowledged before the kill.
      resolve(out.slice(0, out.lastIndexOf('\n')).split('\n'));
    });
  });
}

async function allEvents(store: SqliteStore): Promise<WatchEvent[]> {
  const target = await store.currentRevision();
  const events: WatchEvent[] = [];
  await new Promise<void>((resolve, reject) => {
    const w = store.watch('', {
      afterRevision: 0,
      onEvents: (batch) => {
        events.push(...batch);
        if (events.length >= target) { w.cancel(); resolve(); }
      },
      onError: reject,
    });
    if (target === 0) resolve();
  });
  return events;
}

describe('sqlite store durability', () => {
  it('keeps every acknowledged write across kill -9, with a gap-free revision history', { timeout: 90_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kite-crash-'));
    const file = join(dir, 'state.db');
    try {
      for (let round = 0; round < 3; round++) {
        const acked = await writeThenKill(file, 1500, `r${round}`);
        assert.ok(acked.length >= 1500, `round ${round}: ${acked.length} acks`);
        const store = new SqliteStore({ file });
        try {
          const lastCounter = new Map<string, { rev: number; n: number }>();
          for (const line of acked) {
            const [kind, key, rev, n] = line.split(' ');
            if (kind === 'C') {
              const kv = await store.get(key);
              assert.ok(kv, `round ${round}: acknowledged create of ${key} (revision ${rev}) is missing`);
              assert.equal(kv.modRevision, Number(rev));
              assert.equal(dec(kv.value), valueFor(key));
            } else {
              assert.equal(kind, 'U', `unexpected line ${line}`);
              lastCounter.set(key, { rev: Number(rev), n: Number(n) });
            }
          }
          for (const [key, last] of lastCounter) {
            const kv = (await store.get(key))!;
            assert.ok(kv.modRevision >= last.rev, `${key}: acknowledged revision ${last.rev} lost (now ${kv.modRevision})`);
            assert.ok(Number(dec(kv.value)) >= last.n, `${key}: acknowledged value ${last.n} lost`);
          }
          // The history holds exactly revisions 1..current, each once.
          const current = await store.currentRevision();
          const maxAcked = Math.max(...acked.map((l) => Number(l.split(' ')[2])));
          assert.ok(current >= maxAcked);
          const events = await allEvents(store);
          assert.deepEqual(events.map((e) => e.revision), Array.from({ length: current }, (_, i) => i + 1));
          // The store carries on from where it stopped.
          const next = await store.create(`/crash/after/${round}`, new Uint8Array([round]));
          assert.equal(next.modRevision, current + 1);
        } finally {
          await store.close();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
