// Every resource kite serves, in discovery order. Adding a resource is one line here.
import type { KubeObject } from '../../apimachinery/meta.js';
import type { ResourceDefinition } from './generic/resource.js';
import { configmaps } from './core/configmaps/storage.js';
import { namespaces } from './core/namespaces/storage.js';
import { secrets } from './core/secrets/storage.js';
import { selfSubjectAccessReviews, selfSubjectRulesReviews } from './authorization/access-reviews.js';

export const builtinResources = (): ResourceDefinition<KubeObject>[] =>
  [namespaces, configmaps, secrets, selfSubjectAccessReviews, selfSubjectRulesReviews] as unknown as ResourceDefinition<KubeObject>[];
