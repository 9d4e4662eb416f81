// `kite token create|list|delete`: node join tokens (bootstrap tokens, as `kubeadm token` and
// `k3s token` manage them) through the API with an administrator's kubeconfig. A created token is
// printed in full (K10<sha256 of the server CA>::<id>.<secret>), ready for `kite agent --token`.
import type { Command } from 'commander';
import { join } from 'node:path';
import { BOOTSTRAP_TOKEN_SECRET_PREFIX, BOOTSTRAP_TOKEN_SECRET_TYPE, secretValue } from '../apiserver/authn/bootstrap-token.js';
import type { KubeObject } from '../apimachinery/meta.js';
import { RestClient } from '../client/rest-client.js';
import { SECRETS } from '../client/resources.js';
import { caBundleHash, formatJoinToken, newBootstrapToken } from '../pki/join-token.js';
import { bootstrapTokenSecret } from '../server/join-token.js';
import { DEFAULT_DATA_DIR } from './server.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "24h", "90m", "1h30m", "7d"; "0" means never expires. */
export function parseTtl(text: string): number {
  if (text === '0') return 0;
  const parts = [...text.matchAll(/(\d+)([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`--ttl wants a duration like 24h, 90m or 0 (never), got ${JSON.stringify(text)}`);
  return parts.reduce((ms, p) => ms + Number(p[1]) * UNITS[p[2]!]!, 0);
}

interface TokenFlags {
  kubeconfig: string;
}

async function adminClient(flags: TokenFlags): Promise<RestClient> {
  return RestClient.fromKubeconfig(flags.kubeconfig, { userAgent: 'kite-token' });
}

export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description('Manage node join tokens (kite agent --token)');
  const kubeconfigOption = ['--kubeconfig <file>', "an administrator's kubeconfig", join(DEFAULT_DATA_DIR, 'kubeconfig.yaml')] as const;

  token
    .command('create')
    .description('Create a join token and print it')
    .option(...kubeconfigOption)
    .option('--ttl <duration>', 'how long the token is valid (0: forever)', '24h')
    .option('--description <text>', 'what the token is for')
    .action(async (flags: TokenFlags & { ttl: string; description?: string }) => {
      const ttlMs = parseTtl(flags.ttl);
      const client = await adminClient(flags);
      try {
        // the CA bundle exactly as joining agents will fetch it, read over the verified connection
        const cacerts = await client.request('GET', '/cacerts');
        if (cacerts.statusCode !== 200) throw new Error(`GET /cacerts: HTTP ${cacerts.statusCode} (is this a kite server?)`);
        const ids = newBootstrapToken();
        await client.create(SECRETS, 'kube-system', bootstrapTokenSecret({
          ...ids, description: flags.description, ...(ttlMs > 0 ? { expiration: new Date(Date.now() + ttlMs) } : {}),
        }));
        console.log(formatJoinToken({ caHash: caBundleHash(cacerts.body), ...ids }));
      } finally {
        client.close();
      }
    });

  token
    .command('list')
    .description('List join tokens')
    .option(...kubeconfigOption)
    .action(async (flags: TokenFlags) => {
      const client = await adminClient(flags);
      try {
        const secrets = await client.list<KubeObject>(SECRETS, 'kube-system', { fieldSelector: `type=${BOOTSTRAP_TOKEN_SECRET_TYPE}` });
        const rows = [['TOKEN', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS']];
        for (const s of secrets.items) {
          if (!s.metadata.name?.startsWith(BOOTSTRAP_TOKEN_SECRET_PREFIX)) continue;
          const usages = ['authentication', 'signing'].filter((u) => secretValue(s, `usage-bootstrap-${u}`) === 'true');
          rows.push([
            `${secretValue(s, 'token-id')}.****************`,
            secretValue(s, 'expiration') || '<forever>',
            usages.join(',') || '<none>',
            secretValue(s, 'description') || '<none>',
            secretValue(s, 'auth-extra-groups') || '<none>',
          ]);
        }
        const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
        for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('   ').trimEnd());
      } finally {
        client.close();
      }
    });

  token
    .command('delete <id...>')
    .description('Delete join tokens by id (the 6 characters before the dot): agents can no longer join with them')
    .option(...kubeconfigOption)
    .action(async (ids: string[], flags: TokenFlags) => {
      const client = await adminClient(flags);
      try {
        for (const id of ids) {
          const tokenId = id.includes('::') ? id.split('::')[1]!.split('.')[0]! : id.split('.')[0]!;
          await client.delete(SECRETS, 'kube-system', `${BOOTSTRAP_TOKEN_SECRET_PREFIX}${tokenId}`);
          console.log(`bootstrap token "${tokenId}" deleted`);
        }
      } finally {
        client.close();
      }
    });
}

