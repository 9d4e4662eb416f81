// Turns a list request's resourceVersion, resourceVersionMatch and continue parameters into what
// must be read, following Kubernetes' rules (storage.ValidateListOptions and the API concepts page
// "Semantics for get and list"):
//   continue              -> exact read at the token's revision (rv -1: at the latest revision)
//   RV unset              -> consistent read (latest)
//   RV "0"                -> any revision (whatever the cache has)
//   RV N, Exact           -> exact read at N
//   RV N, "" with a limit -> exact read at N (legacy behaviour)
//   RV N, NotOlderThan or "" without a limit -> not older than N
import { badRequest } from '../../apimachinery/errors.js';
import { decodeContinue } from './continue-token.js';
import { continueWithResourceVersion, invalidResourceVersion, unknownResourceVersionMatch } from './errors.js';
import type { CacherListOptions } from './types.js';

export type ListPlan =
  | { kind: 'latest'; startKey?: string; continued: boolean }
  | { kind: 'notOlderThan'; revision: number }
  | { kind: 'exact'; revision: number; startKey?: string; continued: boolean };

export function parseResourceVersion(rv: string): number {
  if (!/^\d+$/.test(rv)) throw invalidResourceVersion(rv);
  const n = Number(rv);
  if (!Number.isSafeInteger(n)) throw invalidResourceVersion(rv);
  return n;
}

export function planList<T>(opts: CacherListOptions<T>, prefix: string): ListPlan {
  const rv = opts.resourceVersion ?? '';
  const match = opts.resourceVersionMatch ?? '';
  const limit = opts.limit ?? 0;
  if (match !== '' && match !== 'NotOlderThan' && match !== 'Exact') throw unknownResourceVersionMatch(match);
  if (opts.continueToken) {
    const position = decodeContinue(opts.continueToken, prefix);
    if (rv !== '' && rv !== '0') throw continueWithResourceVersion();
    if (position.revision === -1) return { kind: 'latest', startKey: position.startKey, continued: true };
    return { kind: 'exact', revision: position.revision, startKey: position.startKey, continued: true };
  }
  if (rv === '') {
    if (match !== '') throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
    return { kind: 'latest', continued: false };
  }
  const revision = parseResourceVersion(rv);
  if (match === 'Exact') {
    if (revision === 0) throw badRequest('resourceVersionMatch "Exact" is forbidden for resourceVersion "0"');
    return { kind: 'exact', revision, continued: false };
  }
  if (match === '' && limit > 0 && revision > 0) return { kind: 'exact', revision, continued: false };
  return { kind: 'notOlderThan', revision };
}
