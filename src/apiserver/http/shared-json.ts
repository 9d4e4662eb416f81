// The JSON text of objects many responses share, produced once: one watch cache event goes to
// every watcher of the resource (the scheduler's, each controller's, each node's informer), and a
// popular object is read again and again. Only for objects nobody changes once they are out:
// the watch cache's (see Cacher.get's contract).

/** Recent objects only: a fan-out serializes one event for all watchers in one synchronous pass. */
const MAX_REMEMBERED = 256;
let remembered = new Map<object, string>();

export function sharedJson(obj: object): string {
  let text = remembered.get(obj);
  if (text === undefined) {
    text = JSON.stringify(obj);
    if (remembered.size >= MAX_REMEMBERED) remembered = new Map();
    remembered.set(obj, text);
  }
  return text;
}
