// Address and name checks shared by networking.k8s.io and discovery.k8s.io, with the semantics of
// Go's net.ParseIP (IPv4 octets may carry leading zeros, IPv4-mapped IPv6 counts as IPv4) and the
// messages of k8s.io/apimachinery/pkg/util/validation. Hand-written because node:net has no
// parser that returns bytes or accepts Go's "sloppy" forms.
import { ErrorList, type FieldPath } from '../../../apimachinery/field.js';
import { DNS1123_SUBDOMAIN_MAX_LENGTH, isDNS1123Label, isDNS1123Subdomain, maxLenError, regexError } from '../../../apimachinery/names.js';

export interface ParsedIP {
  /** 16 bytes; IPv4 addresses are stored IPv4-mapped (::ffff:a.b.c.d) like Go's net.IP. */
  bytes: Uint8Array;
  /** True for dotted-quad input and IPv4-mapped IPv6 (Go's ip.To4() != nil). */
  isV4: boolean;
}

const parseV4 = (s: string): number[] | undefined => {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^[0-9]{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
};

const parseV6 = (s: string): number[] | undefined => {
  let tail: number[] = [];
  let text = s;
  const lastColon = s.lastIndexOf(':');
  if (s.includes('.', lastColon)) {
    const v4 = parseV4(s.slice(lastColon + 1));
    if (!v4) return undefined;
    tail = v4;
    text = `${s.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): number[] | undefined => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(missing).fill(0), ...rest];
  const bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
};

/** Go's netutils.ParseIPSloppy; undefined when the string is not an IP address. */
export function parseIP(s: string): ParsedIP | undefined {
  if (s.includes(':')) {
    const b = parseV6(s);
    if (!b) return undefined;
    const mapped = b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
    return { bytes: Uint8Array.from(b), isV4: mapped };
  }
  const v4 = parseV4(s);
  if (!v4) return undefined;
  return { bytes: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, ...v4]), isV4: true };
}

const toBigInt = (ip: ParsedIP): bigint => {
  const bytes = ip.isV4 ? ip.bytes.slice(12) : ip.bytes;
  return bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
};

export interface ParsedCIDR {
  ip: ParsedIP;
  prefix: number;
  bits: number;
  /** The network address as an integer (host bits cleared). */
  network: bigint;
}

/** Go's netutils.ParseCIDRSloppy. */
export function parseCIDR(s: string): ParsedCIDR | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const ip = parseIP(s.slice(0, slash));
  const prefixText = s.slice(slash + 1);
  if (!ip || !/^[0-9]+$/.test(prefixText)) return undefined;
  // A dotted-quad CIDR is IPv4; an IPv6 literal (even IPv4-mapped) keeps its 128-bit width.
  const bits = s.slice(0, slash).includes(':') ? 128 : 32;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  const value = bits === 32 ? toBigInt(ip) : ip.bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  const hostBits = BigInt(bits - prefix);
  return { ip, prefix, bits, network: (value >> hostBits) << hostBits };
}

/** True when `inner` lies inside `outer` and is strictly smaller (NetworkPolicy ipBlock.except). */
export const isStrictSubset = (outer: ParsedCIDR, inner: ParsedCIDR): boolean => {
  if (outer.bits !== inner.bits || outer.prefix >= inner.prefix) return false;
  const hostBits = BigInt(outer.bits - outer.prefix);
  return (inner.network >> hostBits) << hostBits === outer.network;
};

const ipClass = (ip: ParsedIP): { unspecified: boolean; loopback: boolean; linkLocal: boolean; linkLocalMulticast: boolean } => {
  const b = ip.bytes;
  if (ip.isV4) {
    return {
      unspecified: b[12] === 0 && b[13] === 0 && b[14] === 0 && b[15] === 0,
      loopback: b[12] === 127,
      linkLocal: b[12] === 169 && b[13] === 254,
      linkLocalMulticast: b[12] === 224 && b[13] === 0 && b[14] === 0,
    };
  }
  return {
    unspecified: b.every((x) => x === 0),
    loopback: b.slice(0, 15).every((x) => x === 0) && b[15] === 1,
    linkLocal: b[0] === 0xfe && (b[1]! & 0xc0) === 0x80,
    linkLocalMulticast: b[0] === 0xff && (b[1]! & 0x0f) === 0x02,
  };
};

/** apimachinery IsValidIPv4Address. */
export const validateIPv4Address = (path: FieldPath, value: string): ErrorList => {
  const ip = parseIP(value);
  return ip?.isV4 ? new ErrorList() : new ErrorList().invalid(path, value, 'must be a valid IPv4 address');
};

/** apimachinery IsValidIPv6Address. */
export const validateIPv6Address = (path: FieldPath, value: string): ErrorList => {
  const ip = parseIP(value);
  return ip && !ip.isV4 ? new ErrorList() : new ErrorList().invalid(path, value, 'must be a valid IPv6 address');
};

/** core validation ValidateEndpointIP: no unspecified, loopback or link-local addresses. */
export const validateEndpointIP = (value: string, path: FieldPath): ErrorList => {
  const errs = new ErrorList();
  const ip = parseIP(value);
  if (!ip) return errs.invalid(path, value, 'must be a valid IP address');
  const c = ipClass(ip);
  if (c.unspecified) errs.invalid(path, value, `may not be unspecified (${value})`);
  if (c.loopback) errs.invalid(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)');
  if (c.linkLocal) errs.invalid(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  if (c.linkLocalMulticast) errs.invalid(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  return errs;
};

/** IsValidIPForLegacyField without strict checks (StrictIPCIDRValidation is off in 1.32). */
export const validateLegacyIP = (path: FieldPath, value: string): ErrorList =>
  parseIP(value) ? new ErrorList() : new ErrorList().invalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');

/** IsValidCIDRForLegacyField without strict checks. */
export const validateLegacyCIDR = (path: FieldPath, value: string): ErrorList =>
  parseCIDR(value) ? new ErrorList() : new ErrorList().invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)');

/** apimachinery IsFullyQualifiedDomainName: a DNS subdomain of at least two labels, trailing dot allowed. */
export const validateFQDN = (path: FieldPath, value: string): ErrorList => {
  const errs = new ErrorList();
  if (value.length === 0) return errs.required(path);
  const name = value.endsWith('.') ? value.slice(0, -1) : value;
  const sub = isDNS1123Subdomain(name);
  if (sub.length) return errs.invalid(path, name, sub.join(','));
  const labels = name.split('.');
  if (labels.length < 2) return errs.invalid(path, name, 'should be a domain with at least two segments separated by dots');
  for (const label of labels) {
    const bad = isDNS1123Label(label);
    if (bad.length) return errs.invalid(path, label, bad.join(','));
  }
  return errs;
};

const wildcardFmt = '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const wildcardMsg =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

/** apimachinery IsWildcardDNS1123Subdomain ("*.example.com"). */
export const isWildcardDNS1123Subdomain = (value: string): string[] => {
  const errs: string[] = [];
  if (Buffer.byteLength(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!new RegExp(`^${wildcardFmt}$`).test(value)) errs.push(regexError(wildcardMsg, wildcardFmt, '*.example.com'));
  return errs;
};

const httpPathFmt = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";

/** apimachinery IsDomainPrefixedPath ("acme.io/foo"), e.g. IngressClass spec.controller. */
export const validateDomainPrefixedPath = (path: FieldPath, value: string): ErrorList => {
  const errs = new ErrorList();
  if (value.length === 0) return errs.required(path);
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || host.length === 0 || rest.length === 0) return errs.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")');
  for (const msg of isDNS1123Subdomain(host)) errs.invalid(path, host, msg);
  if (!new RegExp(`^${httpPathFmt}$`).test(rest)) errs.invalid(path, rest, regexError('Invalid path', httpPathFmt));
  return errs;
};
