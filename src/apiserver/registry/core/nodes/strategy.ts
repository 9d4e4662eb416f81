// Nodes: cluster-scoped, registered by the node's agent with their status already filled in (so
// create keeps the status), heartbeats through /status; podCIDRs and providerID are set once.
import { ErrorList, root } from '../../../../apimachinery/field.js';
import { validateLabelName } from '../../../../apimachinery/labels.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { isValidLabelValue } from '../../../../apimachinery/names.js';
import { isIP } from 'node:net';
import type { RequestContext, Strategy } from '../../generic/resource.js';
import { specStatusStrategy } from '../../generic/strategies.js';
import { semanticEqual } from '../equality.js';
import { validateResourceList } from '../resource-list.js';
import type { NodeSpec, NodeStatus } from 'kubernetes-types/core/v1.js';

export interface Node extends KubeObject {
  spec?: NodeSpec;
  status?: NodeStatus;
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

const isCIDR = (value: string): boolean => {
  const [ip = '', bits = ''] = value.split('/');
  const family = isIP(ip);
  const n = Number(bits);
  return family !== 0 && /^\d+$/.test(bits) && n >= 0 && n <= (family === 4 ? 32 : 128);
};

function defaults(node: Node): void {
  const spec = (node.spec ??= {});
  // podCIDR is the first of podCIDRs, as the v1 conversion keeps them.
  if (spec.podCIDR && (spec.podCIDRs ?? []).length === 0) spec.podCIDRs = [spec.podCIDR];
  else if (!spec.podCIDR && (spec.podCIDRs ?? []).length > 0) spec.podCIDR = spec.podCIDRs![0];
  const status = node.status;
  if (status?.capacity && !status.allocatable) status.allocatable = { ...status.capacity };
}

function validate(node: Node): ErrorList {
  const errs = new ErrorList();
  const spec = node.spec ?? {};
  const cidrs = spec.podCIDRs ?? [];
  cidrs.forEach((c, i) => {
    if (!isCIDR(c)) errs.invalid(root('spec', 'podCIDRs').index(i), c, 'must be a valid CIDR');
  });
  if (cidrs.length > 2) errs.invalid(root('spec', 'podCIDRs'), cidrs, 'may specify no more than two CIDRs');
  const seen = new Set<string>();
  (spec.taints ?? []).forEach((t, i) => {
    const p = root('spec', 'taints').index(i);
    if (!t.key) errs.required(p.child('key'));
    else errs.add(validateLabelName(t.key, p.child('key')));
    for (const msg of isValidLabelValue(t.value ?? '')) errs.invalid(p.child('value'), t.value, msg);
    if (!t.effect) errs.required(p.child('effect'));
    else if (!TAINT_EFFECTS.includes(t.effect)) errs.notSupported(p.child('effect'), t.effect, TAINT_EFFECTS);
    const key = `${t.key}/${t.effect}`;
    if (seen.has(key)) errs.duplicate(p, t);
    seen.add(key);
  });
  errs.add(validateStatus(node));
  return errs;
}

function validateStatus(node: Node): ErrorList {
  const errs = new ErrorList();
  errs.add(validateResourceList(node.status?.capacity, root('status', 'capacity')));
  errs.add(validateResourceList(node.status?.allocatable, root('status', 'allocatable')));
  return errs;
}

function validateUpdate(node: Node, old: Node): ErrorList {
  const errs = new ErrorList();
  const oldCIDRs = old.spec?.podCIDRs ?? [];
  if (oldCIDRs.length > 0 && !semanticEqual(node.spec?.podCIDRs, oldCIDRs)) {
    errs.forbidden(root('spec', 'podCIDRs'), 'node updates may not change podCIDR except from "" to valid');
  }
  if (old.spec?.providerID && node.spec?.providerID !== old.spec.providerID) {
    errs.forbidden(root('spec', 'providerID'), 'node updates may not change providerID except from "" to valid');
  }
  return errs;
}

const base = specStatusStrategy<Node>({
  tracksGeneration: false,
  defaults,
  validate,
  validateUpdate,
  validateStatusUpdate: (node) => validateStatus(node),
});

export const nodeStrategy: Strategy<Node> = {
  ...base.strategy,
  prepareForCreate: (node: Node, ctx: RequestContext) => {
    const status = node.status;
    base.strategy.prepareForCreate(node, ctx);
    if (status !== undefined) node.status = status;
    defaults(node);
  },
  allowCreateOnUpdate: false,
};

export const nodeStatusStrategy: Strategy<Node> = base.statusStrategy;
