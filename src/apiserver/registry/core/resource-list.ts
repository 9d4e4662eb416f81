// Validation of ResourceLists (requests, limits, capacity, quota hard limits): resource names and
// quantity values with Kubernetes' messages.
import { ErrorList, type FieldPath } from '../../../apimachinery/field.js';
import { isQualifiedName } from '../../../apimachinery/names.js';
import { NANOS_PER_UNIT, QUANTITY_ERROR, parseQuantity, quantityText } from './quantity.js';

export type ResourceList = Record<string, string | number>;

export const IS_NEGATIVE_ERROR = 'must be greater than or equal to 0';
export const IS_NOT_INTEGER_ERROR = 'must be an integer';
export const IS_NOT_POSITIVE_ERROR = 'must be greater than zero';

const standardContainerResources = new Set(['cpu', 'memory', 'ephemeral-storage']);
const isHugePages = (name: string): boolean => name.startsWith('hugepages-');
const isNativeResource = (name: string): boolean => !name.includes('/') || name.includes('kubernetes.io/');

const integerResources = new Set([
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers',
]);
const isExtendedResource = (name: string): boolean => !isNativeResource(name) && !name.startsWith('requests.');
/** Resources counted in whole units: object counts and extended resources (example.com/gpu). */
const isIntegerResource = (name: string): boolean => integerResources.has(name) || isExtendedResource(name);

/** validateResourceName: a qualified name. */
export function validateResourceName(name: string, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  for (const msg of isQualifiedName(name)) errs.invalid(path, name, msg);
  return errs;
}

export function validateContainerResourceName(name: string, path: FieldPath): ErrorList {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!standardContainerResources.has(name) && !isHugePages(name)) errs.invalid(path, name, 'must be a standard resource for containers');
  } else if (!isNativeResource(name) && !isExtendedResource(name)) {
    errs.invalid(path, name, "doesn't follow extended resource name standard");
  }
  return errs;
}

/** The quantity parses, is not negative, and is whole for integer resources. */
export function validateResourceQuantity(name: string, value: unknown, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  const nanos = parseQuantity(value);
  if (nanos === null) return errs.invalid(path, value, QUANTITY_ERROR);
  if (nanos < 0n) errs.invalid(path, quantityText(value), IS_NEGATIVE_ERROR);
  else if (isIntegerResource(name) && nanos % NANOS_PER_UNIT !== 0n) errs.invalid(path, value, IS_NOT_INTEGER_ERROR);
  return errs;
}

export function validatePositiveQuantity(value: unknown, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  const nanos = parseQuantity(value);
  if (nanos === null) return errs.invalid(path, value, QUANTITY_ERROR);
  if (nanos <= 0n) errs.invalid(path, quantityText(value), IS_NOT_POSITIVE_ERROR);
  return errs;
}

/** Names and values of a whole ResourceList (quantities parse and are not negative). */
export function validateResourceList(list: ResourceList | undefined, path: FieldPath, nameCheck = validateResourceName): ErrorList {
  const errs = new ErrorList();
  for (const [name, value] of Object.entries(list ?? {})) {
    const p = path.key(name);
    errs.add(nameCheck(name, p), validateResourceQuantity(name, value, p));
  }
  return errs;
}
