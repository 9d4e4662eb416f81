// ClusterRole aggregation, as Kubernetes' clusterrole-aggregation controller: a ClusterRole with an
// aggregationRule gets, written into its own `rules`, the union of the rules of every ClusterRole its
// selectors match. Written (not computed per request) so that what `kubectl get clusterrole view
// -o yaml` or `kubectl describe` shows is what RBAC grants, and the authorizer reads one thing: rules.
// It runs inside the apiserver on its own watch cache, so it works with or without the controller
// manager; chains (view -> edit -> admin) converge as each write is seen as a change again.
import type { KubeObject } from '../../../apimachinery/meta.js';
import { labelSelectorAsSelector } from '../../../apimachinery/labels.js';
import type { Cacher } from '../../../storage/cacher/cacher.js';
import { SYSTEM_MASTERS } from '../../authn/user.js';
import type { RegistryStore } from '../../registry/generic/registry-store.js';
import type { ClusterRole } from '../../registry/rbac/clusterroles/strategy.js';
import type { PolicyRule } from '../../registry/rbac/rbac-validation.js';
import { followCache } from './follow-cache.js';

/** Semantic equality of rules: an empty list and a missing one are the same. */
export const ruleKey = (rule: PolicyRule): string =>
  JSON.stringify(
    (['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const).map((f) => (rule[f]?.length ? rule[f] : null)),
  );

export const sameRules = (a: readonly PolicyRule[] | undefined, b: readonly PolicyRule[] | undefined): boolean =>
  (a ?? []).length === (b ?? []).length && (a ?? []).every((r, i) => ruleKey(r) === ruleKey((b ?? [])[i]));

/** The rules `role` aggregates from `roles`: per selector, the matching roles by name, each rule once. */
export function aggregatedRules(role: ClusterRole, roles: Iterable<ClusterRole>): PolicyRule[] {
  const others = [...roles].filter((r) => r.metadata.name !== role.metadata.name).sort((a, b) => ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1));
  const seen = new Set<string>();
  const rules: PolicyRule[] = [];
  for (const selector of role.aggregationRule?.clusterRoleSelectors ?? []) {
    let matches: (labels: Record<string, string>) => boolean;
    try {
      const parsed = labelSelectorAsSelector(selector);
      matches = (labels) => parsed.matches(labels);
    } catch {
      continue; // validation refuses bad selectors; an old stored one aggregates nothing
    }
    for (const other of others) {
      if (!matches(other.metadata.labels ?? {})) continue;
      for (const rule of other.rules ?? []) {
        const key = ruleKey(rule);
        if (seen.has(key)) continue;
        seen.add(key);
        rules.push(structuredClone(rule));
      }
    }
  }
  return rules;
}

export interface AggregationOptions {
  cache: Cacher<KubeObject>;
  registry: Pick<RegistryStore, 'update'>;
  log?: (msg: string, fields: Record<string, unknown>) => void;
  retryMs?: number;
}

export interface ClusterRoleAggregation {
  /** Resolves once the controller has its first view of the ClusterRoles. */
  ready: Promise<void>;
  /** Resolves when no aggregated role is out of date (for tests and start-up). */
  idle(): Promise<void>;
  stop(): void;
}

/** Aggregation chains deeper than this are not settled in one run (the next change settles them). */
const MAX_PASSES = 8;
const apiserverCtx = { user: { name: 'system:apiserver', groups: [SYSTEM_MASTERS] }, namespace: '', dryRun: false };

export function startClusterRoleAggregation(opts: AggregationOptions): ClusterRoleAggregation {
  const roles = new Map<string, ClusterRole>();
  let running: Promise<void> | null = null;
  let dirty = false;
  let stopped = false;
  let retry: NodeJS.Timeout | null = null;

  /** Brings every aggregated role up to date; passes repeat so that chains settle in one run. */
  const syncAll = async (): Promise<void> => {
    let failed = false;
    for (let pass = 0, changed = true; changed && pass < MAX_PASSES && !stopped; pass++) {
      changed = false;
      for (const role of [...roles.values()]) {
        if (!role.aggregationRule || stopped) continue;
        if (sameRules(role.rules, aggregatedRules(role, roles.values()))) continue;
        const name = role.metadata.name ?? '';
        try {
          const result = await opts.registry.update(apiserverCtx, name, (current) => {
            const latest = current as ClusterRole;
            if (latest.aggregationRule) latest.rules = aggregatedRules(latest, roles.values());
            return latest;
          }, { retryOnConflict: true });
          roles.set(name, result.object as ClusterRole);
          changed = true;
        } catch (err) {
          failed = true;
          opts.log?.('cannot update aggregated ClusterRole', { clusterRole: name, err: String(err) });
        }
      }
    }
    if (failed && !stopped) {
      retry = setTimeout(schedule, opts.retryMs ?? 1_000);
      retry.unref();
    }
  };

  // One sync at a time; changes during a sync run it once more afterwards.
  function schedule(): void {
    if (stopped) return;
    if (running) {
      dirty = true;
      return;
    }
    running = syncAll().finally(() => {
      running = null;
      if (dirty) {
        dirty = false;
        schedule();
      }
    });
  }

  const follower = followCache(opts.cache, {
    replace: (items) => {
      roles.clear();
      for (const item of items) roles.set(item.metadata.name ?? '', item as ClusterRole);
      schedule();
    },
    upsert: (obj) => {
      roles.set(obj.metadata.name ?? '', obj as ClusterRole);
      schedule();
    },
    remove: (obj) => {
      roles.delete(obj.metadata.name ?? '');
      schedule();
    },
  });

  return {
    ready: follower.ready,
    idle: async () => {
      await follower.ready;
      while (running || dirty) await (running ?? Promise.resolve());
    },
    stop: () => {
      stopped = true;
      follower.stop();
      if (retry) clearTimeout(retry);
    },
  };
}
