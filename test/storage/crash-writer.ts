// Child process for sqlite-crash.test.ts: writes to a SqliteStore from many concurrent writers
// until it is killed, printing one line per ACKNOWLEDGED write (stdout on a pipe is synchronous
// on Linux, so a printed line means the store had already resolved the write):
//   C <key> <modRevision>            a create of <key> whose value is valueFor(<key>)
//   U <key> <modRevision> <counter>  an update of <key> to the value String(counter)
// Usage: node crash-writer.js <db file> <writers> <tag>   (tag keeps the keys of separate runs apart)
import { SqliteStore } from '../../src/storage/sqlite/sqlite-store.js';

export const valueFor = (key: string): string => `value of ${key} `.padEnd(300, '.');

async function writer(store: SqliteStore, tag: string, w: number): Promise<void> {
  const counterKey = `/crash/${tag}/counters/w${w}`;
  let counter = await store.create(counterKey, new TextEncoder().encode('0'));
  process.stdout.write(`U ${counterKey} ${counter.modRevision} 0\n`);
  for (let n = 1; ; n++) {
    const key = `/crash/${tag}/keys/w${w}/${n}`;
    const kv = await store.create(key, new TextEncoder().encode(valueFor(key)));
    process.stdout.write(`C ${key} ${kv.modRevision}\n`);
    counter = await store.update(counterKey, new TextEncoder().encode(String(n)), counter.modRevision);
    process.stdout.write(`U ${counterKey} ${counter.modRevision} ${n}\n`);
  }
}

async function main(): Promise<void> {
  const [file, writers = '16', tag = 'run'] = process.argv.slice(2);
  if (!file) throw new Error('usage: crash-writer <db file> [writers]');
  const store = new SqliteStore({ file });
  await Promise.all(Array.from({ length: Number(writers) }, (_, w) => writer(store, tag, w)));
}

if (process.argv[1]?.endsWith('crash-writer.js')) {
  main().catch((err: unknown) => {
    process.stderr.write(`crash-writer: ${String(err)}\n`);
    process.exit(1);
  });
}
