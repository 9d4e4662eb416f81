// What still runs from a directory: a test's check that a server, containerd and shims are gone.
import { readdirSync, readFileSync } from 'node:fs';

/** "pid: argv" of every process whose command line mentions dir. */
export function processesUsing(dir: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (argv.includes(dir)) out.push(`${pid}: ${argv}`);
    } catch {
      // gone
    }
  }
  return out;
}
