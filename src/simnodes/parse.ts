// Parsing of the small text formats sim nodes accept on the command line and in pod annotations:
// label lists, kubectl-taint-style taints and Go-style durations.
import type { Taint } from 'kubernetes-types/core/v1.js';

const TAINT_EFFECTS = new Set(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);

/** "k=v,k2=v2" -> { k: v, k2: v2 }; an empty string gives {}. */
export function parseLabels(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of splitList(text)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`invalid label "${part}": expected key=value`);
    out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** "key=value:Effect,key:Effect" (kubectl taint's syntax) -> taints. */
export function parseTaints(text: string | undefined): Taint[] {
  return splitList(text).map((part) => {
    const colon = part.lastIndexOf(':');
    if (colon <= 0) throw new Error(`invalid taint "${part}": expected key[=value]:Effect`);
    const effect = part.slice(colon + 1);
    if (!TAINT_EFFECTS.has(effect)) throw new Error(`invalid taint effect "${effect}" in "${part}": expected NoSchedule, PreferNoSchedule or NoExecute`);
    const kv = part.slice(0, colon);
    const eq = kv.indexOf('=');
    return eq < 0 ? { key: kv, effect } : { key: kv.slice(0, eq), value: kv.slice(eq + 1), effect };
  });
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * A Go-style duration ("1.5s", "500ms", "2m", "1m30s") or a bare number of seconds, in ms.
 * Undefined for text that is neither. (Hand-written: no duration parser is installed.)
 */
export function parseDurationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = re.lastIndex;
  }
  return pos === trimmed.length && pos > 0 ? total : undefined;
}

function splitList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
