#!/usr/bin/env node
// Summarizes a V8 .cpuprofile (node --cpu-prof) by function and by file: self time and inclusive
// time (a function counted once per sample even when recursive), in % of all samples.
//   node scripts/cpuprofile-summary.mjs PROFILE.cpuprofile [--top 40] [--filter substring] [--from S] [--to S] [--window A,B] [--busy]
// --from/--to keep only samples taken S seconds after the profile started (skip start-up);
// --busy leaves idle samples out, so percentages are of the time the process was on the CPU.
// Hand-written: Chrome DevTools reads these files, but there is no CLI for a text summary here.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const top = Number(args[args.indexOf('--top') + 1] || 40) || 40;
const filterAt = args.indexOf('--filter');
const filter = filterAt >= 0 ? args[filterAt + 1] : undefined;
const numArg = (name, dflt) => (args.indexOf(name) >= 0 ? Number(args[args.indexOf(name) + 1]) : dflt);
// --window A,B: absolute monotonic microseconds (process.hrtime.bigint() / 1000n in any process).
const windowAt = args.indexOf('--window');
const [absFrom, absTo] = windowAt >= 0 ? args[windowAt + 1].split(',').map(Number) : [NaN, NaN];
const busyOnly = args.includes('--busy');
if (!file) {
  console.error('usage: cpuprofile-summary.mjs PROFILE.cpuprofile [--top N] [--filter substring]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const from = Number.isNaN(absFrom) ? numArg('--from', 0) * 1e6 : absFrom - profile.startTime;
const to = Number.isNaN(absTo) ? numArg('--to', Infinity) * 1e6 : absTo - profile.startTime;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const shortUrl = (url) => url.replace(/^file:\/\//, '').replace(/.*\/(dist|node_modules)\//, '$1/');
const fnKey = (n) => {
  const cf = n.callFrame;
  return `${cf.functionName || '(anonymous)'} ${shortUrl(cf.url)}:${cf.lineNumber + 1}`;
};
const fileKey = (n) => shortUrl(n.callFrame.url) || `(${n.callFrame.functionName || 'native'})`;

const selfFn = new Map();
const selfFile = new Map();
const inclFn = new Map();
const inclFile = new Map();
const bump = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);
let total = 0;
let at = 0;
for (let i = 0; i < profile.samples.length; i++) {
  at += profile.timeDeltas[i];
  if (at < from || at > to) continue;
  const id = profile.samples[i];
  const leaf = byId.get(id);
  if (busyOnly && leaf.callFrame.functionName === '(idle)') continue;
  total++;
  bump(selfFn, fnKey(leaf));
  bump(selfFile, fileKey(leaf));
  const seenFn = new Set();
  const seenFile = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    seenFn.add(fnKey(n));
    seenFile.add(fileKey(n));
  }
  for (const k of seenFn) bump(inclFn, k);
  for (const k of seenFile) bump(inclFile, k);
}

const print = (title, m) => {
  console.log(`\n== ${title}`);
  const rows = [...m.entries()].filter(([k]) => !filter || k.includes(filter)).sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [k, v] of rows) console.log(`${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
};
const seconds = (profile.endTime - profile.startTime) / 1e6;
console.log(`${file}: ${total} samples counted, profile of ${seconds.toFixed(1)} s`);
print('self time by function', selfFn);
print('self time by file', selfFile);
print('inclusive time by function', inclFn);
print('inclusive time by file', inclFile);
