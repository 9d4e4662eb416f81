// Chooses and opens the store backend from kite's flags:
//   no endpoint (or "sqlite://")      -> SQLite at DATA_DIR/db/state.db (the default)
//   "sqlite:///path/to/file.db"       -> SQLite at that file
//   "memory://"                       -> in-memory (tests, throwaway clusters)
//   "etcd://h:p", "http(s)://h:p,..." -> etcd 3
import { MemoryStore } from './memory/memory-store.js';
import { SqliteStore, sqliteFileIn } from './sqlite/sqlite-store.js';
import type { Store } from './store.js';

export interface OpenStoreOptions {
  /** kite's data directory; the SQLite backend keeps its file under it. */
  dataDir?: string;
  /** Datastore endpoint; see the table above. */
  endpoint?: string;
  /** etcd only: key prefix (default "/registry") and TLS files. */
  prefix?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

interface EtcdModule {
  openEtcdStore(endpoint: string, opts: { prefix?: string; caFile?: string; certFile?: string; keyFile?: string }): Promise<Store>;
}

// Loaded only when asked for, so single-node kite never pays for the etcd/gRPC client.
const ETCD_MODULE = './etcd/etcd-store.js';

export async function openStore(opts: OpenStoreOptions): Promise<Store> {
  const endpoint = opts.endpoint?.trim() ?? '';
  if (endpoint === '' || endpoint === 'sqlite://') {
    if (!opts.dataDir) throw new Error('the sqlite store needs a data directory (dataDir)');
    return new SqliteStore({ file: sqliteFileIn(opts.dataDir) });
  }
  if (endpoint.startsWith('sqlite://')) return new SqliteStore({ file: endpoint.slice('sqlite://'.length) });
  if (endpoint === 'memory://' || endpoint === 'memory:') return new MemoryStore();
  const { openEtcdStore } = (await import(ETCD_MODULE)) as EtcdModule;
  const { prefix, caFile, certFile, keyFile } = opts;
  return openEtcdStore(endpoint, { prefix, caFile, certFile, keyFile });
}
