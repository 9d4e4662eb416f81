// The node join token `kite server` keeps in <data-dir>/node-token (k3s' server/node-token):
// K10<sha256 of the CA bundle>::<id>.<secret>, backed by the bootstrap token Secret
// kube-system/bootstrap-token-<id>. Created on first start, reused after; `kite token create`
// cuts more (with a TTL). Deleting the Secret revokes a token.
import { join } from 'node:path';
import { isStatusError } from '../apimachinery/errors.js';
import type { KubeObject } from '../apimachinery/meta.js';
import { BOOTSTRAP_TOKEN_SECRET_PREFIX, BOOTSTRAP_TOKEN_SECRET_TYPE } from '../apiserver/authn/bootstrap-token.js';
import { SYSTEM_MASTERS } from '../apiserver/authn/user.js';
import { PRIVATE_FILE_MODE, readIfExists, writeFileAtomic } from '../pki/files.js';
import { type JoinToken, caBundleHash, formatJoinToken, newBootstrapToken, parseJoinToken } from '../pki/join-token.js';
import type { ServedResources } from './served-resources.js';

export const NODE_TOKEN_FILE = 'node-token';
/** The group every node token adds (k3s/kubeadm name their default token's group the same way). */
export const DEFAULT_NODE_TOKEN_GROUP = 'system:bootstrappers:kite:default-node-token';

export interface BootstrapTokenSecretOptions {
  tokenId: string;
  tokenSecret: string;
  description?: string;
  /** Absent: never expires. */
  expiration?: Date;
  extraGroups?: string[];
}

/** The Secret a bootstrap token lives in (type bootstrap.kubernetes.io/token, in kube-system). */
export function bootstrapTokenSecret(opts: BootstrapTokenSecretOptions): KubeObject {
  const data: Record<string, string> = {
    'token-id': opts.tokenId,
    'token-secret': opts.tokenSecret,
    'usage-bootstrap-authentication': 'true',
    'usage-bootstrap-signing': 'true',
    'auth-extra-groups': (opts.extraGroups ?? [DEFAULT_NODE_TOKEN_GROUP]).join(','),
  };
  if (opts.description) data.description = opts.description;
  if (opts.expiration) data.expiration = opts.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: BOOTSTRAP_TOKEN_SECRET_TYPE,
    metadata: { name: `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${opts.tokenId}`, namespace: 'kube-system' },
    data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

export interface NodeJoinToken {
  path: string;
  token: string;
  /** Whether this start created it. */
  created: boolean;
}

/**
 * Reads <dataDir>/node-token, or creates it; either way makes sure its Secret exists. A token cut
 * for another CA (the CA was re-created) is replaced, since no agent could join with it.
 */
export async function ensureNodeJoinToken(resources: ServedResources, dataDir: string, caPem: string): Promise<NodeJoinToken> {
  const path = join(dataDir, NODE_TOKEN_FILE);
  const caHash = caBundleHash(caPem);
  let token: JoinToken | undefined;
  const existing = await readIfExists(path);
  if (existing !== undefined) {
    try {
      token = parseJoinToken(existing);
      if (token.caHash !== caHash) token = undefined;
    } catch {
      token = undefined;
    }
  }
  const created = token === undefined;
  token ??= { caHash, ...newBootstrapToken() };
  const secrets = resources.get('', 'secrets');
  const ctx = { user: { name: 'system:apiserver', groups: [SYSTEM_MASTERS] }, namespace: 'kube-system', dryRun: false };
  try {
    await secrets.registry.create(ctx, bootstrapTokenSecret({ ...token, description: 'kite node join token (node-token)' }));
  } catch (err) {
    if (!(isStatusError(err) && err.reason === 'AlreadyExists')) throw err;
  }
  const text = formatJoinToken(token);
  if (created) await writeFileAtomic(path, `${text}\n`, PRIVATE_FILE_MODE);
  return { path, token: text, created };
}
