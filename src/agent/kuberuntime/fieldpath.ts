// Downward API values (pkg/fieldpath, kubelet podFieldSelectorRuntimeValue and
// ExtractContainerResourceValue): the fields env vars and downwardAPI volume files may name.
import type { Container, ObjectFieldSelector, Pod, ResourceFieldSelector } from 'kubernetes-types/core/v1.js';
import { Quantity } from '../../apimachinery/quantity.js';
import { quantityOf } from './qos.js';

/** Go's %q for the ASCII printable range; escapes everything else (close to strconv.Quote). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** FormatMap: `key="value"` lines in key order. */
export const formatMap = (m: Record<string, string> | undefined): string =>
  Object.keys(m ?? {}).sort().map((k) => `${k}=${goQuote((m as Record<string, string>)[k] as string)}`).join('\n');

/** metadata.labels['key'] -> ['metadata.labels', 'key'] */
function splitMaybeSubscriptedPath(path: string): [string, string | undefined] {
  const m = /^(.*)\['(.*)'\]$/.exec(path);
  return m ? [m[1] as string, m[2] as string] : [path, undefined];
}

/** ExtractFieldPathAsString over the pod's metadata. */
export function extractFieldPathAsString(pod: Pod, fieldPath: string): string {
  const meta = pod.metadata ?? {};
  const [path, subscript] = splitMaybeSubscriptedPath(fieldPath);
  if (subscript !== undefined) {
    if (path === 'metadata.annotations') return meta.annotations?.[subscript] ?? '';
    if (path === 'metadata.labels') return meta.labels?.[subscript] ?? '';
    throw new Error(`fieldPath ${JSON.stringify(fieldPath)} does not support subscript`);
  }
  switch (path) {
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
  }
  throw new Error(`unsupported fieldPath: ${fieldPath}`);
}

export interface PodRuntimeFacts {
  /** The pod's IPs, primary first. */
  podIPs?: string[];
  /** The node's IPs, primary first. */
  hostIPs?: string[];
}

/** An env var's fieldRef value: spec and status fields the kubelet knows first, then metadata. */
export function podFieldSelectorValue(selector: ObjectFieldSelector, pod: Pod, facts: PodRuntimeFacts): string {
  const podIPs = facts.podIPs?.length ? facts.podIPs : pod.status?.podIPs?.map((p) => p.ip ?? '').filter(Boolean) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
  const hostIPs = facts.hostIPs?.length ? facts.hostIPs : pod.status?.hostIPs?.map((p) => p.ip ?? '').filter(Boolean) ?? (pod.status?.hostIP ? [pod.status.hostIP] : []);
  switch (selector.fieldPath) {
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      if (!hostIPs.length) throw new Error('can not get node IPs');
      return hostIPs[0] as string;
    case 'status.hostIPs':
      if (!hostIPs.length) throw new Error('can not get node IPs');
      return hostIPs.join(',');
    case 'status.podIP':
      return podIPs[0] ?? '';
    case 'status.podIPs':
      return podIPs.join(',');
  }
  return extractFieldPathAsString(pod, selector.fieldPath);
}

/** The node's allocatable resources, which stand in for limits a container does not set. */
export interface NodeAllocatable {
  cpu?: string;
  memory?: string;
  'ephemeral-storage'?: string;
}

function divisorOf(selector: ResourceFieldSelector): Quantity {
  const raw = selector.divisor;
  if (raw === undefined || raw === null || raw === '') return Quantity.fromValue(1);
  const d = Quantity.fromJSON(raw);
  return d.isZero() ? Quantity.fromValue(1) : d;
}

/** ExtractContainerResourceValue, with limits defaulted to node allocatable (defaultPodLimitsForDownwardAPI). */
export function containerResourceValue(selector: ResourceFieldSelector, container: Container, allocatable: NodeAllocatable = {}): string {
  const divisor = divisorOf(selector);
  const [kind, name] = selector.resource.split('.', 2) as [string, string | undefined];
  if ((kind !== 'limits' && kind !== 'requests') || !name) throw new Error(`unsupported container resource : ${selector.resource}`);
  let q = quantityOf(container.resources?.[kind], name);
  if (!q && kind === 'limits') q = quantityOf(allocatable as Record<string, string>, name);
  if (name === 'cpu') {
    const milli = q?.milliValue() ?? 0;
    return String(Math.ceil(milli / divisor.milliValue()));
  }
  if (name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-')) {
    const value = q?.value() ?? 0;
    return String(Math.ceil(value / divisor.value()));
  }
  throw new Error(`unsupported container resource : ${selector.resource}`);
}
