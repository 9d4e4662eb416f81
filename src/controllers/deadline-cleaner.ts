// Deletes objects once their own deadline passes (the shape of kube-controller-manager's
// tokencleaner and csrcleaner): each object is queued for the moment it becomes due rather than
// found by a periodic scan, and is deleted with a UID precondition so a re-created namesake stays.
import type { KubeObject } from '../apimachinery/meta.js';
import type { Clock } from '../client/clock.js';
import { isNotFound } from '../client/errors.js';
import type { Lister } from '../client/lister.js';
import type { Client, ResourceType } from '../client/types.js';
import { RateLimitingQueue } from '../client/workqueue/rate-limiting-queue.js';

export abstract class DeadlineCleaner<T extends KubeObject> {
  /** Keys are object names (all objects live in `namespace`). */
  readonly queue: RateLimitingQueue<string>;

  constructor(
    readonly client: Pick<Client, 'delete'>,
    readonly objects: Lister<T>,
    readonly clock: Clock,
    readonly type: ResourceType,
    /** Undefined for a cluster-scoped resource. */
    readonly namespace: string | undefined,
  ) {
    this.queue = new RateLimitingQueue<string>({ clock });
  }

  /** When the object may be deleted (ms since the epoch); Infinity for never. */
  abstract deadline(obj: T): number;

  enqueue(obj: T): void {
    const due = this.deadline(obj);
    if (obj.metadata?.name && Number.isFinite(due)) this.queue.addAfter(obj.metadata.name, Math.max(0, due - this.clock.now()));
  }

  async sync(name: string): Promise<void> {
    const obj = this.namespace === undefined ? this.objects.get(name) : this.objects.namespace(this.namespace).get(name);
    if (!obj || this.deadline(obj) > this.clock.now()) return;
    try {
      await this.client.delete(this.type, this.namespace, name, { preconditions: { uid: obj.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

