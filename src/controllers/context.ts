// What every controller gets: the API (never the store), shared informers, a stop signal and a
// logger. Controllers are a list of start functions (src/controllers/manager.ts).
import type { Logger } from 'pino';
import type { Client } from '../client/types.js';
import type { InformerFactory } from '../client/informer-factory.js';
import type { SigningAuthorities } from './certificates/signer.js';

export interface ControllerContext {
  client: Client;
  informers: InformerFactory;
  signal: AbortSignal;
  log: Logger;
  /** Workers per controller (Kubernetes' --concurrent-*-syncs, default 5). */
  workers?: number;
  /** kite's CAs, for the CSR signer (csrsigning signs nothing without them). */
  signingAuthorities?: SigningAuthorities;
  /** PEM of the CA that signs the API server's serving certificate (published as kube-root-ca.crt). */
  rootCaPem?: string;
}

/** Starts one controller: registers its informer handlers and runs its workers until `signal` aborts.
 *  Resolves once the controller is running (caches synced), not when it stops. */
export type StartController = (ctx: ControllerContext) => Promise<void>;
