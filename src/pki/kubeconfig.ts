// Reading and writing kubeconfig files (the format kubectl and client-go use).
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { makeDirIfMissing, PRIVATE_FILE_MODE, writeFileAtomic } from './files.js';

export interface WriteKubeconfigOptions {
  /** Defaults to https://127.0.0.1:6443. */
  server?: string;
  /** The CA that signed the server's certificate. */
  caPem: string;
  /** Client certificate and key; leave out when authenticating with a token. */
  certPem?: string;
  keyPem?: string;
  token?: string;
  /** Names of the user, cluster and context entries; all default to `default` (the context to the cluster's name). */
  user?: string;
  cluster?: string;
  context?: string;
}

export const DEFAULT_SERVER = 'https://127.0.0.1:6443';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

/** Writes a self-contained kubeconfig (certificates embedded as *-data), readable by its owner only. */
export async function writeKubeconfig(path: string, options: WriteKubeconfigOptions): Promise<void> {
  const cluster = options.cluster ?? 'default';
  const user = options.user ?? 'default';
  const context = options.context ?? cluster;
  const credentials: Record<string, string> = {};
  if (options.certPem !== undefined) credentials['client-certificate-data'] = b64(options.certPem);
  if (options.keyPem !== undefined) credentials['client-key-data'] = b64(options.keyPem);
  if (options.token !== undefined) credentials['token'] = options.token;
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      { name: cluster, cluster: { server: options.server ?? DEFAULT_SERVER, 'certificate-authority-data': b64(options.caPem) } },
    ],
    contexts: [{ name: context, context: { cluster, user } }],
    'current-context': context,
    preferences: {},
    users: [{ name: user, user: credentials }],
  };
  await makeDirIfMissing(dirname(path));
  await writeFileAtomic(path, stringify(config, { lineWidth: 0 }), PRIVATE_FILE_MODE);
}

export interface LoadedKubeconfig {
  context: string;
  cluster: string;
  user: string;
  server: string;
  /** Undefined when the cluster entry names no CA (the system's roots then apply). */
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  token?: string;
  insecureSkipTlsVerify: boolean;
}

interface NamedEntry {
  name?: unknown;
  [field: string]: unknown;
}

/**
 * Reads the current context (or `options.context`) of a kubeconfig: its server and credentials,
 * taking embedded *-data as well as file paths (relative to the kubeconfig's directory).
 */
export async function loadKubeconfig(path: string, options: { context?: string } = {}): Promise<LoadedKubeconfig> {
  const doc: unknown = parse(await readFile(path, 'utf8'));
  if (!isRecord(doc)) throw new Error(`${path}: not a kubeconfig (expected a YAML mapping)`);
  const contextName = options.context ?? stringField(doc, 'current-context');
  if (!contextName) throw new Error(`${path}: no current-context and no context requested`);
  const context = findEntry(doc, 'contexts', 'context', contextName, path);
  const clusterName = stringField(context, 'cluster');
  const userName = stringField(context, 'user');
  if (!clusterName) throw new Error(`${path}: context ${contextName} names no cluster`);
  const cluster = findEntry(doc, 'clusters', 'cluster', clusterName, path);
  const user = userName ? findEntry(doc, 'users', 'user', userName, path) : {};
  const server = stringField(cluster, 'server');
  if (!server) throw new Error(`${path}: cluster ${clusterName} has no server`);
  const base = dirname(path);
  return {
    context: contextName,
    cluster: clusterName,
    user: userName ?? '',
    server,
    caPem: await dataOrFile(cluster, 'certificate-authority', base),
    certPem: await dataOrFile(user, 'client-certificate', base),
    keyPem: await dataOrFile(user, 'client-key', base),
    token: stringField(user, 'token') ?? (await optionalFile(stringField(user, 'tokenFile'), base))?.trim(),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Finds `{ name, <inner>: {...} }` in the list `listField` and returns the inner mapping. */
function findEntry(
  doc: Record<string, unknown>,
  listField: string,
  inner: string,
  name: string,
  path: string,
): Record<string, unknown> {
  const list = doc[listField];
  const entry = Array.isArray(list) ? (list as NamedEntry[]).find((item) => isRecord(item) && item.name === name) : undefined;
  const value = entry?.[inner];
  if (!isRecord(value)) throw new Error(`${path}: no ${inner} named ${name}`);
  return value;
}

/** `<field>-data` (base64) wins over `<field>` (a file path), as in client-go. */
async function dataOrFile(record: Record<string, unknown>, field: string, base: string): Promise<string | undefined> {
  const data = stringField(record, `${field}-data`);
  if (data !== undefined) return Buffer.from(data, 'base64').toString('utf8');
  return optionalFile(stringField(record, field), base);
}

async function optionalFile(file: string | undefined, base: string): Promise<string | undefined> {
  if (file === undefined) return undefined;
  return readFile(isAbsolute(file) ? file : resolve(base, file), 'utf8');
}
