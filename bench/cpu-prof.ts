/// <reference types="node" />
// A CPU profiler for `kite server` started by `kite up` (node refuses --cpu-prof in NODE_OPTIONS,
// and the server ends by a signal, before --cpu-prof would write). bench/pods preloads it with
// NODE_OPTIONS=--import=<this file> when KITE_BENCH_PROF=<dir>: in the server process only, it
// saves a .cpuprofile of every 10 s to <dir>/<pid>-<n>.cpuprofile (open in Chrome DevTools or
// summarize with bench/cpu-prof-top).
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.KITE_BENCH_PROF;
if (dir && process.argv.includes('server')) {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  let n = 0;
  const rotate = async (): Promise<void> => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    writeFileSync(join(dir, `${process.pid}-${String(n++).padStart(3, '0')}.cpuprofile`), JSON.stringify(profile));
    await post('Profiler.start');
  };
  void (async () => {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 500 });
    await post('Profiler.start');
    setInterval(() => void rotate().catch(() => undefined), 10_000).unref();
  })();
}
