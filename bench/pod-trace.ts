/// <reference types="node" />
// bench/pods' breakdown of a pod's start-up: the agent's phase timestamps (src/agent/pods/trace.ts,
// written when the server runs with KITE_POD_TRACE=<file>) joined with the bench's own client-side
// times (create sent, create answered, Running seen through the watch), all in epoch ms, and the
// server's event-loop delay samples written to the same file.
import { readFileSync } from 'node:fs';

export interface ClientTimes { name: string; sent: number; answered: number; running: number }

interface TraceLine { uid?: string; phase?: string; t: number; lag?: { max: number; p99: number; mean: number } }

/** From each step to the next, in order; a pod missing a phase skips it (e.g. no sandbox-status). */
const STEPS: Array<[string, string, string]> = [
  ['sent', 'answered', 'API create (client -> answer)'],
  ['answered', 'seen', 'schedule + bind + watch to the agent'],
  ['seen', 'sync', 'agent: event -> pod worker runs'],
  ['sync', 'state', 'agent: read runtime state (CRI lists)'],
  ['state', 'prepared', 'agent: volumes + pod dir'],
  ['prepared', 'sandbox-config', 'agent: sandbox config'],
  ['sandbox-config', 'sandbox', 'CRI RunPodSandbox'],
  ['sandbox', 'sandbox-status', 'CRI PodSandboxStatus'],
  ['sandbox-status', 'image', 'agent: pull secrets + ImageStatus'],
  ['image', 'container-config', 'agent: container config (+ ImageStatus)'],
  ['container-config', 'created', 'CRI CreateContainer'],
  ['created', 'started', 'CRI StartContainer'],
  ['started', 'state-after', 'agent: re-read runtime state'],
  ['state-after', 'status-sent', 'agent: gc + probes + status'],
  ['status-sent', 'status-written', 'status PATCH'],
  ['status-written', 'running', 'watch event to the client'],
];

const median = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s[Math.floor(s.length / 2)] as number) : NaN;
};
const p90 = (v: number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  return s.length ? (s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)] as number) : NaN;
};

function readTrace(file: string): TraceLine[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as TraceLine);
}

/** Lines of text: median and p90 per step over the pods, the CRI share, and the loop delay in [from, to]. */
export function breakdown(file: string, pods: ClientTimes[], uidOf: Map<string, string>): string[] {
  const lines = readTrace(file);
  const byUid = new Map<string, Map<string, number>>();
  for (const l of lines) {
    if (!l.uid || !l.phase) continue;
    let m = byUid.get(l.uid);
    if (!m) byUid.set(l.uid, (m = new Map()));
    if (!m.has(l.phase)) m.set(l.phase, l.t);
  }
  const out: string[] = [`  ${'step'.padEnd(44)}${'p50'.padStart(8)}${'p90'.padStart(8)}`];
  let total50 = 0;
  for (const [from, to, label] of STEPS) {
    const d: number[] = [];
    for (const p of pods) {
      const m = new Map(byUid.get(uidOf.get(p.name) ?? '') ?? []);
      m.set('sent', p.sent).set('answered', p.answered).set('running', p.running);
      const a = m.get(from);
      const b = m.get(to);
      if (a !== undefined && b !== undefined) d.push(b - a);
    }
    if (!d.length) continue;
    total50 += median(d);
    out.push(`  ${label.padEnd(44)}${median(d).toFixed(1).padStart(8)}${p90(d).toFixed(1).padStart(8)}`);
  }
  out.push(`  ${'sum of the medians'.padEnd(44)}${total50.toFixed(1).padStart(8)}`);
  return out;
}

/** Worst event-loop delay of the server (ms) in samples whose time falls in [from, to]. */
export function loopDelay(file: string, from: number, to: number): { max: number; p99: number } {
  let max = 0;
  let p99 = 0;
  for (const l of readTrace(file)) {
    if (!l.lag || l.t < from || l.t > to + 1000) continue;
    max = Math.max(max, l.lag.max);
    p99 = Math.max(p99, l.lag.p99);
  }
  return { max, p99 };
}
