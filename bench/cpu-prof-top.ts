/// <reference types="node" />
// Summarizes .cpuprofile files (bench/cpu-prof): the functions with the most self time, and the
// most total (inclusive) time, over all the files given.
//   node dist/bench/cpu-prof-top.js [--top N] FILE...
import { readFileSync } from 'node:fs';

interface Node { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number; children?: number[] }
interface Profile { nodes: Node[]; startTime: number; endTime: number; samples?: number[]; timeDeltas?: number[] }

const args = process.argv.slice(2);
const topAt = args.indexOf('--top');
const top = topAt >= 0 ? Number(args.splice(topAt, 2)[1]) : 25;
const self = new Map<string, number>();
const total = new Map<string, number>();
let wallUs = 0;
let idleUs = 0;

const label = (n: Node): string => {
  const url = n.callFrame.url.replace(/^file:\/\/.*?\/dist\//, '').replace(/^file:\/\/.*?\/node_modules\//, 'npm:');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}${url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
};

for (const file of args) {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  wallUs += p.endTime - p.startTime;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const samples = p.samples ?? [];
  const deltas = p.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const us = deltas[i + 1] ?? 0;
    const leaf = byId.get(samples[i] as number);
    if (!leaf) continue;
    const name = label(leaf);
    if (leaf.callFrame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    self.set(name, (self.get(name) ?? 0) + us);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const l = label(byId.get(id) as Node);
      if (seen.has(l)) continue;
      seen.add(l);
      total.set(l, (total.get(l) ?? 0) + us);
    }
  }
}

const ms = (us: number): string => (us / 1000).toFixed(0).padStart(7);
console.log(`profiled ${ms(wallUs)} ms wall, ${ms(wallUs - idleUs)} ms not idle`);
for (const [title, m] of [['self time', self], ['total time', total]] as const) {
  console.log(`\ntop ${top} by ${title} (ms):`);
  for (const [name, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${ms(us)}  ${name}`);
}
