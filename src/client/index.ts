// kite's client layer: everything that is not the apiserver (controllers, scheduler, agent)
// talks to the API through this, never to the store.
//
//   const client = await RestClient.fromKubeconfig(path);              // or inProcessClient(...)
//   const factory = new SharedInformerFactory(client);
//   const pods = factory.informerFor<Pod>(PODS, { node: indexByNodeName });
//   pods.addEventHandler({ onAdd, onUpdate, onDelete });             // handlers only enqueue keys
//   factory.start(signal);
//   await runController({ name, queue, sync, workers: 5, signal, caches: [pods] });
//
// Cached objects are shared by every consumer: never mutate them.
export * from './types.js';
export * from './errors.js';
export * from './resources.js';
export { RestClient, type RestClientConfig, type RawResponse } from './rest-client.js';
export { API_SOCKET_NAME, apiSocketPath, inProcessClient, serveOnUnixSocket, type InProcessCredentials, type UnixListener } from './in-process.js';
export { type ResourceClient, type ScopedResourceClient, resourceClient } from './typed.js';
export { type Clock, type TimerHandle, FakeClock, realClock, sleep } from './clock.js';
export {
  type IndexFunc,
  Indexer,
  NAMESPACE_INDEX,
  indexByControllerUid,
  indexByNamespace,
  indexByNodeName,
  indexByOwnerUid,
  objectKey,
} from './indexer.js';
export { DeletedFinalStateUnknown, isTombstone, unwrapTombstone } from './tombstone.js';
export { type ListerWatcher, Reflector, type ReflectorOptions, type ReflectorSink } from './reflector.js';
export { type HandlerRegistration, type InformerOptions, type ResourceEventHandlers, SharedInformer, bindListerWatcher, newInformer } from './informer.js';
export { Lister, NamespaceLister, type SelectorInput } from './lister.js';
export { InformerFactory, type InformerFactoryOptions, SharedInformerFactory } from './informer-factory.js';
export * from './workqueue/index.js';
export { type Log, type RunControllerOptions, type Syncable, type WorkerOptions, processNextWorkItem, runController, waitForCacheSync } from './controller-base.js';
export { EventRecorder, type EventRecorderOptions, type EventSource, type EventType, type ObjectReference } from './event-recorder.js';
