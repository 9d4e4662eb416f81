// What onDelete receives when the informer learned of a deletion only by relisting: the object's
// last known state, wrapped (client-go's cache.DeletedFinalStateUnknown). One helper unwraps it,
// so delete handlers never repeat the check.

export class DeletedFinalStateUnknown<T> {
  constructor(
    readonly key: string,
    /** The last state the cache saw; the object may have changed before it was deleted. */
    readonly obj: T,
  ) {}
}

export const isTombstone = <T>(value: T | DeletedFinalStateUnknown<T>): value is DeletedFinalStateUnknown<T> =>
  value instanceof DeletedFinalStateUnknown;

/** The deleted object, whether it came directly (watch DELETED) or in a tombstone (relist). */
export const unwrapTombstone = <T>(value: T | DeletedFinalStateUnknown<T>): T => (isTombstone(value) ? value.obj : value);
