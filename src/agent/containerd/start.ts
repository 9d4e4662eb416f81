// The agent's entry to a container runtime: either kite's own supervised containerd (default), or an
// existing CRI endpoint (--container-runtime-endpoint) that kite only connects to.
import { join } from 'node:path';
import { ensureImages } from '../images/ensure.js';
import { CriRuntime } from '../runtime/cri/cri-runtime.js';
import { normalizeEndpoint } from '../runtime/cri/client.js';
import { ContainerdSupervisor, type ContainerdSupervisorOptions, waitForRuntime } from './supervisor.js';

export interface StartRuntimeOptions extends ContainerdSupervisorOptions {
  /** Use this CRI endpoint (e.g. unix:///run/containerd/containerd.sock) instead of starting containerd. */
  endpoint?: string;
  /** Import kite's pause image (default true for its own containerd, false for an external endpoint). */
  importPauseImage?: boolean;
}

export interface RuntimeHandle {
  endpoint: string;
  runtime: CriRuntime;
  /** Present when kite started containerd itself. */
  supervisor?: ContainerdSupervisor;
  /** Closes the client and stops kite's containerd if it started one (pods keep running). */
  stop(): Promise<void>;
}

export async function startContainerRuntime(opts: StartRuntimeOptions): Promise<RuntimeHandle> {
  if (opts.endpoint) {
    const endpoint = normalizeEndpoint(opts.endpoint);
    const runtime = new CriRuntime({ endpoint });
    if (!(await waitForRuntime(runtime, opts.startTimeoutMs ?? 30_000))) {
      runtime.close();
      throw new Error(`container runtime at ${endpoint} did not answer CRI Version`);
    }
    if (opts.importPauseImage) await ensureImages(runtime, endpoint, join(opts.dataDir, 'images'), ['pause']);
    return { endpoint, runtime, stop: async () => runtime.close() };
  }
  const supervisor = new ContainerdSupervisor(opts);
  await supervisor.start();
  const runtime = new CriRuntime({ endpoint: supervisor.endpoint });
  try {
    if (opts.importPauseImage ?? true) await ensureImages(runtime, supervisor.endpoint, join(opts.dataDir, 'images'), ['pause']);
  } catch (err) {
    runtime.close();
    await supervisor.stop();
    throw err;
  }
  return {
    endpoint: supervisor.endpoint,
    runtime,
    supervisor,
    stop: async () => {
      runtime.close();
      await supervisor.stop();
    },
  };
}
