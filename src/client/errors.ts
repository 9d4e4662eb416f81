// Non-2xx answers become StatusErrors carrying the server's Status, so callers test
// `err.reason === 'NotFound'` whether the call went over HTTPS or to the fake.
import { type Status, type StatusReason, StatusError } from '../apimachinery/errors.js';
import { isStatus } from './types.js';

/** client-go's messages for an error answer without a Status body (NewGenericServerResponse). */
const GENERIC: Record<number, [StatusReason, string]> = {
  400: ['BadRequest', 'the server rejected our request for an unknown reason'],
  401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
  403: ['Forbidden', 'the server does not allow access to the requested resource'],
  404: ['NotFound', 'the server could not find the requested resource'],
  405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  406: ['NotAcceptable', 'the server was unable to respond with a content type that the client supports'],
  409: ['Conflict', 'the server reported a conflict'],
  410: ['Gone', 'the server reported the requested resource as gone'],
  415: ['UnsupportedMediaType', 'the server was unable to respond with a content type that the client supports'],
  422: ['Invalid', 'the server rejected our request due to an error in our request'],
  429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  504: ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'],
};

/** The error for an HTTP answer with status `code` and `body`. */
export function statusErrorFromResponse(code: number, body: string): StatusError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isStatus(parsed) && parsed.status !== 'Success') return statusErrorFrom({ ...parsed, code: parsed.code || code });
  const [reason, message] = GENERIC[code] ?? [
    code >= 500 ? 'InternalError' : 'BadRequest',
    `an error on the server (${JSON.stringify(body.trim().slice(0, 200) || 'unknown')}) has prevented the request from succeeding`,
  ];
  return new StatusError(code, reason, message);
}

/** Wraps a Status received from the server (an HTTP error body, or an in-stream watch ERROR) as a StatusError. */
export function statusErrorFrom(status: Status): StatusError {
  const err = new StatusError(status.code, (status.reason ?? 'InternalError') as StatusReason, status.message ?? '');
  Object.assign(err.status, status);
  return err;
}

export const reasonOf = (err: unknown): string => (err instanceof StatusError ? err.reason : '');
export const isNotFound = (err: unknown): boolean => reasonOf(err) === 'NotFound';
export const isAlreadyExists = (err: unknown): boolean => reasonOf(err) === 'AlreadyExists';
export const isConflict = (err: unknown): boolean => reasonOf(err) === 'Conflict';
/** The resourceVersion asked for is compacted away (410 Expired or Gone): relist. */
export const isResourceExpired = (err: unknown): boolean => err instanceof StatusError && err.code === 410;
