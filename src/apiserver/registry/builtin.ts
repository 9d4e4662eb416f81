// Every resource kite serves, in discovery order. Adding a resource is one line here.
import type { KubeObject } from '../../apimachinery/meta.js';
import type { ResourceDefinition } from './generic/resource.js';
import { configmaps } from './core/configmaps/storage.js';
import { namespaces } from './core/namespaces/storage.js';
import { secrets } from './core/secrets/storage.js';

export const builtinResources = (): ResourceDefinition<KubeObject>[] =>
  [namespaces, configmaps, secrets] as unknown as ResourceDefinition<KubeObject>[];
