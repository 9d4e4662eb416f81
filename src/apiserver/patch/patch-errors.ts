// The Status errors the PATCH handler returns, as kube-apiserver builds them
// (staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go).

import { StatusError, badRequest, invalid } from '../../apimachinery/errors.js';

/**
 * A patch that decodes but cannot be applied (failed `test`, missing path, list of lists, ...).
 * kube-apiserver builds it with NewGenericServerResponse(422, ...), which replaces the
 * underlying error with a fixed text and leaves `details` empty: clients see exactly
 * `The request is invalid: the server rejected our request due to an error in our request`.
 */
export const patchNotApplicable = (): StatusError =>
  new StatusError(422, 'Invalid', 'the server rejected our request due to an error in our request', {});

/** A patch body that is not the right JSON shape: 400 with the decoder's message. */
export const patchDecodeError = (message: string): StatusError => badRequest(message);

/**
 * An error that kube-apiserver does not wrap in a Status (strategicpatch's merge-key and type
 * errors): its handler answers 500 with no reason, which kubectl prints as `Error from server: <message>`.
 */
export function unwrappedServerError(message: string): StatusError {
  const err = new StatusError(500, 'InternalError', message);
  // metav1.StatusReasonUnknown is "", which Go omits from the JSON.
  delete err.status.reason;
  return err;
}

/**
 * The 422 for a patched document that is not an object of the resource's shape
 * (NewInvalid(schema.GroupKind{}, "", field.Invalid(field.NewPath("patch"), patched, why))).
 */
export const patchResultInvalid = (patched: string, why: string): StatusError =>
  invalid('', '', '', [{ reason: 'FieldValueInvalid', field: 'patch', message: `Invalid value: ${JSON.stringify(patched)}: ${why}` }]);
