// A client for the cluster `kite up` started, from the PKI files (the kubeconfig is written only
// once the server's start-up finished), and the waits on it.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Node } from 'kubernetes-types/core/v1.js';
import { NODES } from '../../client/resources.js';
import { RestClient } from '../../client/rest-client.js';
import { CriRuntime } from '../../agent/runtime/cri/cri-runtime.js';
import { containerdPaths } from '../../agent/containerd/paths.js';
import { type BuiltinImage, type EnsuredImage, ensureImages } from '../../agent/images/ensure.js';
import type { ServerLayout } from './server-process.js';

export async function adminClient(layout: ServerLayout, url: string): Promise<RestClient> {
  const tls = join(layout.dataDir, 'tls');
  const [caPem, certPem, keyPem] = await Promise.all(['server-ca.crt', 'client-admin.crt', 'client-admin.key'].map((f) => readFile(join(tls, f), 'utf8')));
  return new RestClient({ server: url, caPem, certPem, keyPem, userAgent: 'kite-up', timeoutMs: 10_000 });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function nodeReady(node: Node | undefined): boolean {
  return node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Waits until Node `name` reports Ready; resolves to it. */
export async function waitForNodeReady(client: RestClient, name: string, timeoutMs: number): Promise<Node> {
  const deadline = Date.now() + timeoutMs;
  let last: Node | undefined;
  while (Date.now() < deadline) {
    last = await client.get<Node>(NODES, undefined, name).catch(() => last);
    if (nodeReady(last)) return last as Node;
    await sleep(25);
  }
  const ready = last?.status?.conditions?.find((c) => c.type === 'Ready');
  throw new Error(`node ${name} is not Ready after ${timeoutMs / 1000} s${ready ? ` (${ready.reason}: ${ready.message})` : last ? '' : ' (it never registered)'}`);
}

/** Waits for the embedded agent's containerd to answer, then imports kite's busybox and demo images. */
export async function importLocalImages(layout: ServerLayout, timeoutMs: number, which: BuiltinImage[] = ['busybox', 'web']): Promise<EnsuredImage[]> {
  const socket = containerdPaths(layout.agentDir).socket;
  const endpoint = `unix://${socket}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A fresh client per attempt: a gRPC channel that failed to connect waits out a reconnect backoff.
    const runtime = new CriRuntime({ endpoint, requestTimeoutMs: 1000 });
    try {
      if (existsSync(socket)) {
        await runtime.version();
        return await ensureImages(runtime, endpoint, join(layout.agentDir, 'images'), which);
      }
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`could not import images into kite's containerd (${endpoint}): ${String(err)}`);
    } finally {
      runtime.close();
    }
    if (Date.now() > deadline) throw new Error(`kite's containerd (${endpoint}) did not start within ${timeoutMs / 1000} s`);
    await sleep(25);
  }
}
