// discovery.k8s.io/v1 EndpointSlices: a Service's backends (addresses of one type, and ports).
import { ErrorList, type FieldPath, root } from '../../../../apimachinery/field.js';
import { validateLabels } from '../../../../apimachinery/labels.js';
import type { KubeObject, ObjectMeta } from '../../../../apimachinery/meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue } from '../../../../apimachinery/names.js';
import type { Strategy } from '../../generic/resource.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import { validateImmutableField } from '../../batch/field-helpers.js';
import { validateEndpointIP, validateFQDN, validateIPv4Address, validateIPv6Address } from '../../networking/net-validation.js';

export interface Endpoint {
  addresses?: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  targetRef?: { kind?: string; namespace?: string; name?: string; uid?: string };
  deprecatedTopology?: Record<string, string>;
  nodeName?: string;
  zone?: string;
  hints?: { forZones?: { name?: string }[]; forNodes?: { name?: string }[] };
}

export interface EndpointPort {
  name?: string;
  protocol?: string;
  port?: number;
  appProtocol?: string;
}

export interface EndpointSlice extends KubeObject {
  metadata: ObjectMeta;
  addressType?: string;
  endpoints?: Endpoint[];
  ports?: EndpointPort[];
}

export const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_TOPOLOGY_LABELS = 16;
const MAX_ZONE_HINTS = 8;

/** SetDefaults_EndpointPort. */
function defaultEndpointSlice(slice: EndpointSlice): void {
  for (const port of slice.ports ?? []) {
    port.name ??= '';
    port.protocol ??= 'TCP';
  }
}

const dns1123Label = (value: string, path: FieldPath, errs: ErrorList): void => {
  for (const msg of isDNS1123Label(value)) errs.invalid(path, value, msg);
};

function validateEndpoints(slice: EndpointSlice, errs: ErrorList): void {
  const endpoints = slice.endpoints ?? [];
  const path = root('endpoints');
  if (endpoints.length > MAX_ENDPOINTS) {
    errs.tooMany(path, endpoints.length, MAX_ENDPOINTS);
    return;
  }
  endpoints.forEach((ep, i) => {
    const idx = path.index(i);
    const addrPath = idx.child('addresses');
    const addresses = ep.addresses ?? [];
    if (addresses.length === 0) errs.required(addrPath, 'must contain at least 1 address');
    else if (addresses.length > MAX_ADDRESSES) errs.tooMany(addrPath, addresses.length, MAX_ADDRESSES);
    addresses.forEach((address, j) => {
      const p = addrPath.index(j);
      if (slice.addressType === 'IPv4') errs.add(validateIPv4Address(p, address), validateEndpointIP(address, p));
      else if (slice.addressType === 'IPv6') errs.add(validateIPv6Address(p, address), validateEndpointIP(address, p));
      else if (slice.addressType === 'FQDN') errs.add(validateFQDN(p, address));
    });
    if (ep.nodeName !== undefined) for (const msg of isDNS1123Subdomain(ep.nodeName)) errs.invalid(idx.child('nodeName'), ep.nodeName, msg);
    const topoPath = idx.child('deprecatedTopology');
    const topology = ep.deprecatedTopology ?? {};
    if (Object.keys(topology).length > MAX_TOPOLOGY_LABELS) errs.tooMany(topoPath, Object.keys(topology).length, MAX_TOPOLOGY_LABELS);
    errs.add(validateLabels(topology, topoPath));
    if (ep.hostname !== undefined) dns1123Label(ep.hostname, idx.child('hostname'), errs);
    const zones = ep.hints?.forZones ?? [];
    const zonesPath = idx.child('hints', 'forZones');
    if (zones.length > MAX_ZONE_HINTS) errs.tooMany(zonesPath, zones.length, MAX_ZONE_HINTS);
    else {
      const seen = new Set<string>();
      zones.forEach((z, j) => {
        const name = z.name ?? '';
        const p = zonesPath.index(j).child('name');
        if (seen.has(name)) errs.duplicate(p, name);
        else seen.add(name);
        for (const msg of isValidLabelValue(name)) errs.invalid(p, name, msg);
      });
    }
  });
}

function validatePorts(slice: EndpointSlice, errs: ErrorList): void {
  const ports = slice.ports ?? [];
  const path = root('ports');
  if (ports.length > MAX_PORTS) {
    errs.tooMany(path, ports.length, MAX_PORTS);
    return;
  }
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const idx = path.index(i);
    const name = port.name ?? '';
    if (name.length > 0) dns1123Label(name, idx.child('name'), errs);
    if (names.has(name)) errs.duplicate(idx.child('name'), name);
    else names.add(name);
    if (port.protocol === undefined) errs.required(idx.child('protocol'));
    else if (!PROTOCOLS.includes(port.protocol)) errs.notSupported(idx.child('protocol'), port.protocol, PROTOCOLS);
    if (port.appProtocol !== undefined) for (const msg of isQualifiedName(port.appProtocol)) errs.invalid(idx.child('appProtocol'), port.appProtocol, msg);
  });
}

export function validateEndpointSlice(slice: EndpointSlice): ErrorList {
  const errs = new ErrorList();
  if (!slice.addressType) errs.required(root('addressType'));
  else if (!ADDRESS_TYPES.includes(slice.addressType)) errs.notSupported(root('addressType'), slice.addressType, ADDRESS_TYPES);
  validateEndpoints(slice, errs);
  validatePorts(slice, errs);
  return errs;
}

export const endpointSliceStrategy: Strategy<EndpointSlice> = specStatusStrategy<EndpointSlice>({
  specFields: ['addressType', 'endpoints', 'ports'],
  defaults: defaultEndpointSlice,
  validate: validateEndpointSlice,
  validateUpdate: (slice, old) => validateImmutableField(slice.addressType, old.addressType, root('addressType')),
}).strategy;
