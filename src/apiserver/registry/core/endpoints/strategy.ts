// Endpoints: the addresses behind a Service (written by the endpoints controller), ports
// defaulted to TCP, addresses that must be real, non-special IPs.
import { ErrorList, type FieldPath, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { isDNS1123Subdomain, isQualifiedName, isValidPortNum } from '../../../../apimachinery/names.js';
import { plainStrategy } from '../../generic/strategies.js';
import { validateIP } from '../ip.js';
import { SUPPORTED_PORT_PROTOCOLS, validateDNS1123Label } from '../pods/container-validation.js';
import type { EndpointAddress, EndpointSubset } from 'kubernetes-types/core/v1.js';

export interface Endpoints extends KubeObject {
  subsets?: EndpointSubset[];
}

/** ValidateNonSpecialIP: endpoints may not point at unspecified, loopback or link-local addresses. */
export function validateNonSpecialIP(ip: string, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  const v4 = ip.split('.').map(Number);
  const isV4 = v4.length === 4;
  if (ip === '0.0.0.0' || ip === '::') errs.invalid(path, ip, `may not be unspecified (${ip})`);
  else if ((isV4 && v4[0] === 127) || ip === '::1') errs.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)');
  else if ((isV4 && v4[0] === 169 && v4[1] === 254) || /^fe[89ab]/i.test(ip)) errs.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)');
  else if ((isV4 && v4[0] === 224 && v4[1] === 0 && v4[2] === 0) || /^ff02:/i.test(ip)) {
    errs.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)');
  }
  return errs;
}

function validateAddress(a: EndpointAddress, path: FieldPath, errs: ErrorList): void {
  const ipErrs = validateIP(a.ip, path.child('ip'));
  errs.add(ipErrs);
  if (a.hostname) errs.add(validateDNS1123Label(a.hostname, path.child('hostname')));
  if (a.nodeName) for (const msg of isDNS1123Subdomain(a.nodeName)) errs.invalid(path.child('nodeName'), a.nodeName, msg);
  if (ipErrs.isEmpty()) errs.add(validateNonSpecialIP(a.ip, path.child('ip')));
}

export function validateEndpoints(ep: Endpoints): ErrorList {
  const errs = new ErrorList();
  (ep.subsets ?? []).forEach((ss, i) => {
    const p = root('subsets').index(i);
    if ((ss.addresses ?? []).length === 0 && (ss.notReadyAddresses ?? []).length === 0) {
      errs.required(p, 'must specify `addresses` or `notReadyAddresses`');
    }
    (ss.addresses ?? []).forEach((a, j) => validateAddress(a, p.child('addresses').index(j), errs));
    (ss.notReadyAddresses ?? []).forEach((a, j) => validateAddress(a, p.child('notReadyAddresses').index(j), errs));
    const ports = ss.ports ?? [];
    ports.forEach((port, j) => {
      const pp = p.child('ports').index(j);
      if (ports.length > 1 && !port.name) errs.required(pp.child('name'));
      else if (port.name) errs.add(validateDNS1123Label(port.name, pp.child('name')));
      for (const msg of isValidPortNum(port.port ?? 0)) errs.invalid(pp.child('port'), port.port ?? 0, msg);
      if (!port.protocol) errs.required(pp.child('protocol'));
      else if (!SUPPORTED_PORT_PROTOCOLS.includes(port.protocol)) errs.notSupported(pp.child('protocol'), port.protocol, SUPPORTED_PORT_PROTOCOLS);
      if (port.appProtocol) for (const msg of isQualifiedName(port.appProtocol)) errs.invalid(pp.child('appProtocol'), port.appProtocol, msg);
    });
  });
  return errs;
}

export const endpointsStrategy = plainStrategy<Endpoints>({
  defaults: (ep) => {
    for (const ss of ep.subsets ?? []) for (const port of ss.ports ?? []) port.protocol ||= 'TCP';
  },
  validate: validateEndpoints,
});
