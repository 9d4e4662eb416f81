// The token cleaner (kube-controller-manager's tokencleaner): a bootstrap token Secret is deleted
// once its `expiration` has passed, so `kite token create --ttl` tokens do not linger. Each token
// is queued for its own expiry; the informer sees only kube-system's bootstrap token Secrets.
import { secretValue } from '../../apiserver/authn/bootstrap-token.js';
import type { KubeObject } from '../../apimachinery/meta.js';
import { type Clock, realClock } from '../../client/clock.js';
import { runController } from '../../client/controller-base.js';
import { newInformer } from '../../client/informer.js';
import { Lister } from '../../client/lister.js';
import { SECRETS } from '../../client/resources.js';
import type { Client } from '../../client/types.js';
import type { ControllerContext, StartController } from '../context.js';
import { DeadlineCleaner } from '../deadline-cleaner.js';

const NAMESPACE = 'kube-system';

/** When the token expires (ms since the epoch), or Infinity for one that never does. */
export function tokenExpiry(secret: KubeObject): number {
  const text = secretValue(secret, 'expiration');
  const at = text ? Date.parse(text) : NaN;
  return Number.isFinite(at) ? at : Infinity;
}

export class TokenCleaner extends DeadlineCleaner<KubeObject> {
  constructor(client: Pick<Client, 'delete'>, secrets: Lister<KubeObject>, clock: Clock = realClock) {
    super(client, secrets, clock, SECRETS, NAMESPACE);
  }

  deadline(secret: KubeObject): number {
    return tokenExpiry(secret);
  }
}

export const startTokenCleaner: StartController = async (ctx: ControllerContext) => {
  const informer = newInformer<KubeObject>(ctx.client, { type: SECRETS, namespace: NAMESPACE, fieldSelector: 'type=bootstrap.kubernetes.io/token' });
  const cleaner = new TokenCleaner(ctx.client, new Lister(informer.indexer));
  informer.addEventHandler({ onAdd: (s) => cleaner.enqueue(s), onUpdate: (_o, s) => cleaner.enqueue(s) });
  void informer.run(ctx.signal);
  void runController({
    name: 'tokencleaner', queue: cleaner.queue, sync: (n) => cleaner.sync(n), workers: 1, signal: ctx.signal, caches: [informer],
    log: (msg, fields) => ctx.log.warn(fields ?? {}, msg),
  });
  await informer.waitForSync(ctx.signal);
};
