// LimitRanges: per-namespace min/max/default requests and limits for containers, pods and claims.
// Container items get their defaults filled (default <- max, defaultRequest <- default or min).
import { ErrorList, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { isQualifiedName } from '../../../../apimachinery/names.js';
import { plainStrategy } from '../../generic/strategies.js';
import { compareQuantities, quantityText } from '../quantity.js';
import { validateResourceName, validateResourceQuantity } from '../resource-list.js';
import type { LimitRangeItem, LimitRangeSpec } from 'kubernetes-types/core/v1.js';

export interface LimitRange extends KubeObject {
  spec?: LimitRangeSpec;
}

const LIMIT_TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'];
type List = Record<string, string>;
const LISTS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;

function defaultItem(item: LimitRangeItem): void {
  if (item.type !== 'Container') return;
  const def: List = { ...(item.default ?? {}) };
  const req: List = { ...(item.defaultRequest ?? {}) };
  for (const [k, v] of Object.entries(item.max ?? {})) if (!(k in def)) def[k] = v;
  for (const [k, v] of Object.entries(def)) if (!(k in req)) req[k] = v;
  for (const [k, v] of Object.entries(item.min ?? {})) if (!(k in req)) req[k] = v;
  if (Object.keys(def).length) item.default = def;
  if (Object.keys(req).length) item.defaultRequest = req;
}

function validateItem(item: LimitRangeItem, i: number, seenTypes: Set<string>, errs: ErrorList): void {
  const p = root('spec', 'limits').index(i);
  const type = item.type ?? '';
  const typeErrs = isQualifiedName(type);
  for (const msg of typeErrs) errs.invalid(p.child('type'), type, msg);
  if (typeErrs.length === 0 && !type.includes('/') && !LIMIT_TYPES.includes(type)) errs.invalid(p.child('type'), type, 'must be a standard limit type or fully qualified');
  if (seenTypes.has(type)) errs.duplicate(p.child('type'), type);
  seenTypes.add(type);
  for (const list of LISTS) {
    for (const [k, q] of Object.entries(item[list] ?? {})) errs.add(validateResourceName(k, p.child(list).key(k)), validateResourceQuantity(k, q, p.child(list).key(k)));
  }
  if (type === 'Pod') {
    if (Object.keys(item.default ?? {}).length) errs.forbidden(p.child('default'), "may not be specified when `type` is 'Pod'");
    if (Object.keys(item.defaultRequest ?? {}).length) errs.forbidden(p.child('defaultRequest'), "may not be specified when `type` is 'Pod'");
  }
  if (type === 'PersistentVolumeClaim' && !item.min?.storage && !item.max?.storage) {
    errs.required(p.child('limits'), 'either minimum or maximum storage value is required, but neither was provided');
  }
  const keys = new Set(LISTS.flatMap((l) => Object.keys(item[l] ?? {})));
  const q = (list: (typeof LISTS)[number], k: string): string | undefined => (item[list] as List | undefined)?.[k];
  for (const k of keys) {
    const [min, max, def, defReq, ratio] = [q('min', k), q('max', k), q('default', k), q('defaultRequest', k), q('maxLimitRequestRatio', k)];
    const t = quantityText;
    if (min && max && compareQuantities(min, max) > 0) errs.invalid(p.child('min').key(k), min, `min value ${t(min)} is greater than max value ${t(max)}`);
    if (defReq && min && compareQuantities(min, defReq) > 0) errs.invalid(p.child('defaultRequest').key(k), defReq, `min value ${t(min)} is greater than default request value ${t(defReq)}`);
    if (defReq && max && compareQuantities(defReq, max) > 0) errs.invalid(p.child('defaultRequest').key(k), defReq, `default request value ${t(defReq)} is greater than max value ${t(max)}`);
    if (defReq && def && compareQuantities(defReq, def) > 0) errs.invalid(p.child('defaultRequest').key(k), defReq, `default request value ${t(defReq)} is greater than default limit value ${t(def)}`);
    if (def && min && compareQuantities(min, def) > 0) errs.invalid(p.child('default').key(k), min, `min value ${t(min)} is greater than default value ${t(def)}`);
    if (def && max && compareQuantities(def, max) > 0) errs.invalid(p.child('default').key(k), max, `default value ${t(def)} is greater than max value ${t(max)}`);
    if (ratio && compareQuantities(ratio, '1') < 0) errs.invalid(p.child('maxLimitRequestRatio').key(k), ratio, `ratio ${t(ratio)} is less than 1`);
  }
}

export const limitRangeStrategy = plainStrategy<LimitRange>({
  defaults: (lr) => {
    for (const item of lr.spec?.limits ?? []) if (item && typeof item === 'object') defaultItem(item);
  },
  validate: (lr) => {
    const errs = new ErrorList();
    const seen = new Set<string>();
    (lr.spec?.limits ?? []).forEach((item, i) => validateItem(item, i, seen, errs));
    return errs;
  },
});
