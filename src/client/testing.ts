// Helpers for tests of code built on informers: record handler events as short strings and
// wait (event-driven, with a deadline) until some have arrived.
import type { HandlerRegistration, ResourceEventHandlers, SharedInformer } from './informer.js';
import { isTombstone } from './tombstone.js';
import type { ApiObject } from './types.js';

export interface RecordedEvents {
  /** "add default/a 5", "update default/a 5->6", "delete default/a 7", "delete(tombstone) default/b 5", "resync default/a 6" */
  readonly events: string[];
  /** Resolves once `count` events are recorded in total; rejects after `timeoutMs` with what was seen. */
  waitFor(count: number, timeoutMs?: number): Promise<string[]>;
  registration: HandlerRegistration;
}

const describe = (obj: ApiObject): string => {
  const meta = obj.metadata ?? {};
  return `${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? ''} ${meta.resourceVersion ?? ''}`;
};

export function recordEvents<T extends ApiObject>(informer: SharedInformer<T>): RecordedEvents {
  const events: string[] = [];
  let waiters: Array<() => void> = [];
  const push = (text: string): void => {
    events.push(text);
    const ready = waiters;
    waiters = [];
    ready.forEach((wake) => wake());
  };
  const handlers: ResourceEventHandlers<T> = {
    onAdd: (obj) => push(`add ${describe(obj)}`),
    onUpdate: (old, obj) =>
      old === obj ? push(`resync ${describe(obj)}`) : push(`update ${describe(obj).replace(/ (\S*)$/, ` ${old.metadata?.resourceVersion}->$1`)}`),
    onDelete: (obj) => push(isTombstone(obj) ? `delete(tombstone) ${describe(obj.obj)}` : `delete ${describe(obj)}`),
  };
  const registration = informer.addEventHandler(handlers);
  const waitFor = async (count: number, timeoutMs = 5000): Promise<string[]> => {
    const deadline = Date.now() + timeoutMs;
    while (events.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} events within ${timeoutMs} ms, got ${events.length}: ${JSON.stringify(events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return events;
  };
  return { events, waitFor, registration };
}
