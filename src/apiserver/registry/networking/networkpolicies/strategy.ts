// networking.k8s.io/v1 NetworkPolicies: which traffic selected pods may receive and send.
import { ErrorList, type FieldPath, GoLiteral, root } from '../../../../apimachinery/field.js';
import { type LabelSelector, validateLabelSelector } from '../../../../apimachinery/labels.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { isValidPortName, isValidPortNum } from '../../../../apimachinery/names.js';
import type { Strategy } from '../../generic/resource.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import { isStrictSubset, parseCIDR, validateLegacyCIDR } from '../net-validation.js';

export interface NetworkPolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr?: string; except?: string[] };
}

export interface NetworkPolicySpec {
  podSelector?: LabelSelector;
  ingress?: { ports?: NetworkPolicyPort[]; from?: NetworkPolicyPeer[] }[];
  egress?: { ports?: NetworkPolicyPort[]; to?: NetworkPolicyPeer[] }[];
  policyTypes?: string[];
}

export interface NetworkPolicy extends KubeObject {
  spec?: NetworkPolicySpec;
}

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES = ['Ingress', 'Egress'];

/** SetDefaults_NetworkPolicy and SetDefaults_NetworkPolicyPort. */
function defaultNetworkPolicy(np: NetworkPolicy): void {
  const spec = (np.spec ??= {});
  spec.podSelector ??= {};
  if (!spec.policyTypes?.length) spec.policyTypes = spec.egress?.length ? ['Ingress', 'Egress'] : ['Ingress'];
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const port of rule.ports ?? []) port.protocol ??= 'TCP';
  }
}

function validatePort(port: NetworkPolicyPort, path: FieldPath, errs: ErrorList): void {
  if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) errs.notSupported(path.child('protocol'), port.protocol, PROTOCOLS);
  if (port.port === undefined) {
    if (port.endPort !== undefined) errs.invalid(path.child('endPort'), port.endPort, 'may not be specified when `port` is not specified');
  } else if (typeof port.port === 'number') {
    for (const msg of isValidPortNum(port.port)) errs.invalid(path.child('port'), port.port, msg);
    if (port.endPort !== undefined) {
      if (port.endPort < port.port) errs.invalid(path.child('endPort'), port.port, 'must be greater than or equal to `port`');
      for (const msg of isValidPortNum(port.endPort)) errs.invalid(path.child('endPort'), port.endPort, msg);
    }
  } else {
    if (port.endPort !== undefined) errs.invalid(path.child('endPort'), port.endPort, 'may not be specified when `port` is non-numeric');
    for (const msg of isValidPortName(port.port)) errs.invalid(path.child('port'), port.port, msg);
  }
}

function validateIPBlock(block: { cidr?: string; except?: string[] }, path: FieldPath, errs: ErrorList): void {
  if (!block.cidr) {
    errs.required(path.child('cidr'));
    return;
  }
  errs.add(validateLegacyCIDR(path.child('cidr'), block.cidr));
  const outer = parseCIDR(block.cidr);
  if (!outer) return;
  (block.except ?? []).forEach((text, i) => {
    const p = path.child('except').index(i);
    const bad = validateLegacyCIDR(p, text);
    errs.add(bad);
    const inner = parseCIDR(text);
    if (inner && !isStrictSubset(outer, inner)) errs.invalid(p, text, 'must be a strict subset of `cidr`');
  });
}

function validatePeer(peer: NetworkPolicyPeer, path: FieldPath, errs: ErrorList): void {
  let peers = 0;
  if (peer.podSelector) {
    peers++;
    errs.add(validateLabelSelector(peer.podSelector, path.child('podSelector')));
  }
  if (peer.namespaceSelector) {
    peers++;
    errs.add(validateLabelSelector(peer.namespaceSelector, path.child('namespaceSelector')));
  }
  if (peer.ipBlock) {
    peers++;
    validateIPBlock(peer.ipBlock, path.child('ipBlock'), errs);
  }
  if (peers === 0) errs.required(path, 'must specify a peer');
  else if (peers > 1 && peer.ipBlock) errs.forbidden(path, 'may not specify both ipBlock and another peer');
}

export function validateNetworkPolicy(np: NetworkPolicy): ErrorList {
  const errs = new ErrorList();
  const spec = np.spec ?? {};
  const path = root('spec');
  errs.add(validateLabelSelector(spec.podSelector ?? {}, path.child('podSelector')));
  (spec.ingress ?? []).forEach((rule, i) => {
    const p = path.child('ingress').index(i);
    (rule.ports ?? []).forEach((port, j) => validatePort(port, p.child('ports').index(j), errs));
    (rule.from ?? []).forEach((peer, j) => validatePeer(peer, p.child('from').index(j), errs));
  });
  (spec.egress ?? []).forEach((rule, i) => {
    const p = path.child('egress').index(i);
    (rule.ports ?? []).forEach((port, j) => validatePort(port, p.child('ports').index(j), errs));
    (rule.to ?? []).forEach((peer, j) => validatePeer(peer, p.child('to').index(j), errs));
  });
  const types = spec.policyTypes ?? [];
  if (types.length > POLICY_TYPES.length) {
    const shown = new GoLiteral(`[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(', ')}}`);
    return errs.invalid(path.child('policyTypes'), shown, 'may not specify more than two policyTypes');
  }
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t)) errs.notSupported(path.child('policyTypes').index(i), t, POLICY_TYPES);
  });
  return errs;
}

export const networkPolicyStrategy: Strategy<NetworkPolicy> = specStatusStrategy<NetworkPolicy>({
  defaults: defaultNetworkPolicy,
  validate: validateNetworkPolicy,
}).strategy;
