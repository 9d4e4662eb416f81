// Registry credentials from a pod's imagePullSecrets (kubernetes.io/dockerconfigjson and the
// legacy kubernetes.io/dockercfg), matched to an image the way the kubelet's credentialprovider
// keyring does: by registry host, then by the longest matching repository path prefix.
import type { Secret } from 'kubernetes-types/core/v1.js';
import { normalizeImageRef } from '../images/oci-layout.js';
import type { AuthConfig } from '../runtime/types.js';

interface DockerAuthEntry {
  username?: string;
  password?: string;
  auth?: string;
  email?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface RegistryCredential {
  /** "host[:port][/path]" the credential applies to. */
  match: string;
  auth: AuthConfig;
}

/** "https://index.docker.io/v1/" and friends become "docker.io"; a scheme and trailing slashes go. */
function normalizeRegistryKey(key: string): string {
  let k = key.trim().replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  if (k === 'index.docker.io/v1' || k === 'index.docker.io' || k === 'registry-1.docker.io') k = 'docker.io';
  return k;
}

/** The credentials a secret carries; an unreadable secret carries none. */
export function credentialsFromSecret(secret: Secret): RegistryCredential[] {
  const data = secret.data ?? {};
  let auths: Record<string, DockerAuthEntry> | undefined;
  try {
    if (secret.type === 'kubernetes.io/dockerconfigjson' && data['.dockerconfigjson']) {
      auths = (JSON.parse(Buffer.from(data['.dockerconfigjson'], 'base64').toString('utf8')) as { auths?: Record<string, DockerAuthEntry> }).auths;
    } else if (secret.type === 'kubernetes.io/dockercfg' && data['.dockercfg']) {
      auths = JSON.parse(Buffer.from(data['.dockercfg'], 'base64').toString('utf8')) as Record<string, DockerAuthEntry>;
    }
  } catch {
    return [];
  }
  const out: RegistryCredential[] = [];
  for (const [key, entry] of Object.entries(auths ?? {})) {
    let { username, password } = entry;
    if (entry.auth && !username) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
    }
    const match = normalizeRegistryKey(key);
    out.push({
      match,
      auth: {
        ...(username !== undefined ? { username } : {}),
        ...(password !== undefined ? { password } : {}),
        ...(entry.auth ? { auth: entry.auth } : {}),
        ...(entry.identitytoken ? { identityToken: entry.identitytoken } : {}),
        ...(entry.registrytoken ? { registryToken: entry.registrytoken } : {}),
        // No serverAddress, as the kubelet sends none: containerd parses it as a URL and drops the
        // credential unless its host equals the registry's ("docker.io" has none), and fails the
        // pull outright on a "host:port" (first path segment in URL cannot contain colon).
      },
    });
  }
  return out;
}

/** Credentials that apply to `image`, best match first (the runtime tries them in order). */
export function credentialsForImage(image: string, creds: RegistryCredential[]): AuthConfig[] {
  const full = normalizeImageRef(image).replace(/[:@][^/]*$/, '');
  const matching = creds.filter((c) => full === c.match || full.startsWith(`${c.match}/`));
  return matching.sort((a, b) => b.match.length - a.match.length).map((c) => c.auth);
}
