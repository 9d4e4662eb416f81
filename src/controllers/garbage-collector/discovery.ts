// Which resources the API serves, with their verbs (client-go's ServerPreferredResources): the
// garbage collector watches every deletable one and the namespace controller empties every
// namespaced one. Read from legacy discovery (/api/v1, /apis, /apis/G/V) when the client can make
// raw requests; otherwise (the in-memory fake) the well-known resources are assumed served.
// Kept here until src/client has a discovery client; the namespace controller imports it too.
import * as known from '../../client/resources.js';
import type { Client, ResourceType } from '../../client/types.js';

export interface DiscoveredResource extends ResourceType {
  kind: string;
  verbs: string[];
}

/** The part of RestClient discovery needs. */
interface RawRequester {
  request(method: string, path: string): Promise<{ statusCode: number; body: string }>;
}

interface APIResource {
  name: string;
  namespaced: boolean;
  kind: string;
  verbs?: string[];
}

interface APIGroup {
  name: string;
  preferredVersion?: { version: string };
  versions?: { version: string }[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const hasRequest = (client: unknown): client is RawRequester => typeof (client as { request?: unknown }).request === 'function';

/** Every resource (not subresource) of every group's preferred version. */
export async function discoverResources(client: Client): Promise<DiscoveredResource[]> {
  if (!hasRequest(client)) return wellKnown();
  const getJson = async <T>(path: string): Promise<T> => {
    const res = await client.request('GET', path);
    if (res.statusCode !== 200) throw new Error(`discovery: GET ${path} answered ${res.statusCode}`);
    return JSON.parse(res.body) as T;
  };
  const out: DiscoveredResource[] = [];
  const add = (group: string, version: string, list: { resources?: APIResource[] }): void => {
    for (const r of list.resources ?? []) {
      if (r.name.includes('/')) continue;
      out.push({ group, version, resource: r.name, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs ?? [] });
    }
  };
  add('', 'v1', await getJson('/api/v1'));
  const groups = await getJson<{ groups?: APIGroup[] }>('/apis');
  const failures: string[] = [];
  await Promise.all(
    (groups.groups ?? []).map(async (g) => {
      const version = g.preferredVersion?.version ?? g.versions?.[0]?.version;
      if (!version) return;
      try {
        add(g.name, version, await getJson(`/apis/${g.name}/${version}`));
      } catch (err) {
        failures.push(`${g.name}/${version}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  if (failures.length > 0) throw new DiscoveryError(out, failures);
  return out;
}

/** Some group versions could not be read; `partial` holds what could. */
export class DiscoveryError extends Error {
  constructor(
    readonly partial: DiscoveredResource[],
    readonly failures: string[],
  ) {
    super(`unable to retrieve the complete list of server APIs: ${failures.join('; ')}`);
  }
}

/** Resources that can be listed, watched and deleted: what the garbage collector watches. */
export const deletableResources = (all: DiscoveredResource[]): DiscoveredResource[] =>
  all.filter((r) => ['list', 'watch', 'delete'].every((v) => r.verbs.includes(v)));

function wellKnown(): DiscoveredResource[] {
  return Object.values(known)
    .filter((v): v is ResourceType => typeof v === 'object' && v !== null && 'resource' in v && typeof (v as ResourceType).kind === 'string')
    .map((t) => ({ ...t, kind: t.kind!, verbs: ALL_VERBS }));
}
