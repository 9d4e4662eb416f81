// The watch cache: one Cacher per resource prefix serves LIST, GET and WATCH from memory.
export { Cacher } from './cacher.js';
export { decodeContinue, encodeContinue } from './continue-token.js';
export {
  continueTooOld,
  isTooLargeResourceVersion,
  listTooOld,
  tooLargeResourceVersion,
  tooOldResourceVersion,
} from './errors.js';
export { parseResourceVersion } from './list-plan.js';
export * from './types.js';
