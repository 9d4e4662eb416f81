// IP address checks with Kubernetes' messages (k8s.io/apimachinery/pkg/util/validation IsValidIP).
import { isIP } from 'node:net';
import { ErrorList, type FieldPath } from '../../../apimachinery/field.js';

export const INVALID_IP = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

export function validateIP(value: unknown, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  if (typeof value !== 'string' || isIP(value) === 0) errs.invalid(path, value, INVALID_IP);
  return errs;
}

export const ipFamily = (ip: string): 'IPv4' | 'IPv6' | '' => (isIP(ip) === 4 ? 'IPv4' : isIP(ip) === 6 ? 'IPv6' : '');
