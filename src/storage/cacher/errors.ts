// The API errors the watch cache produces, with Kubernetes' exact codes, reasons and messages
// (k8s.io/apiserver storage/cacher, storage/etcd3 and storage/errors.go).
import { StatusError, badRequest, expired, tooManyRequests } from '../../apimachinery/errors.js';

/** 410 for a watch from a revision no longer buffered. `oldest` is the oldest revision a watch can
 *  still start after (Kubernetes prints the oldest buffered revision minus one). */
export const tooOldResourceVersion = (rv: number, oldest: number): StatusError =>
  expired(`too old resource version: ${rv} (${oldest})`);

/** 410 for a list at a compacted revision without a continue token. */
export const listTooOld = (): StatusError => expired('The resourceVersion for the provided list is too old.');

/** 410 for a continue token whose revision was compacted. Carries a token that continues the
 *  list at the latest revision (rv -1), like etcd3's handleCompactedErrorForPaging. */
export function continueTooOld(inconsistentToken?: string): StatusError {
  if (!inconsistentToken) {
    return expired(
      'The provided continue parameter is too old to display a consistent list result. ' +
        'You can start a new list without the continue parameter.',
    );
  }
  const err = expired(
    'The provided continue parameter is too old to display a consistent list result. ' +
      'You can start a new list without the continue parameter, or use the continue token in this response to ' +
      'retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - ' +
      'objects that were created, modified, or deleted between the time the first chunk was returned and now ' +
      'may show up in the list.',
  );
  err.status.metadata.continue = inconsistentToken;
  return err;
}

/** 504 when a reader asks for a revision the cache has not reached in time (NewTooLargeResourceVersionError). */
export const tooLargeResourceVersion = (rv: number, current: number): StatusError =>
  new StatusError(504, 'Timeout', `Timeout: Too large resource version: ${rv}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });

export const isTooLargeResourceVersion = (err: unknown): boolean =>
  err instanceof StatusError &&
  err.code === 504 &&
  (err.status.details?.causes ?? []).some((c) => c.reason === 'ResourceVersionTooLarge');

/** 429 while the cache (re)lists, as Kubernetes answers watches then. */
export const initializing = (): StatusError => tooManyRequests('storage is (re)initializing', 1);

export const invalidContinue = (why: string): StatusError => badRequest(`invalid continue token: ${why}`);

export const continueWithResourceVersion = (): StatusError =>
  badRequest('specifying resource version is not allowed when using continue');

export const invalidResourceVersion = (rv: string): StatusError =>
  badRequest(`invalid resource version: resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);

export const unknownResourceVersionMatch = (match: string): StatusError =>
  badRequest(`unknown ResourceVersionMatch value: ${match}`);
