// Container lifecycle hooks (postStart, preStop): exec in the container, an HTTP GET against it,
// or a sleep, as the kubelet's handlerRunner does (pkg/kubelet/lifecycle/handlers.go).
import type { Container, LifecycleHandler } from 'kubernetes-types/core/v1.js';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { ContainerRuntime } from '../runtime/runtime.js';

export interface HookTarget {
  containerId: string;
  container: Container;
  /** The pod IP (the host for httpGet hooks without one). */
  podIP: string;
}

/** Resolves a named container port to its number. */
export function resolvePort(port: number | string | undefined, container: Container): number | undefined {
  if (typeof port === 'number') return port;
  if (port === undefined || port === '') return undefined;
  if (/^\d+$/.test(port)) return Number(port);
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

async function httpGet(handler: NonNullable<LifecycleHandler['httpGet']>, target: HookTarget, timeoutMs: number): Promise<void> {
  const port = resolvePort(handler.port as number | string, target.container);
  if (port === undefined) throw new Error(`invalid port ${String(handler.port)}`);
  const host = handler.host || target.podIP;
  const request = handler.scheme === 'HTTPS' ? httpsRequest : httpRequest;
  const headers = Object.fromEntries((handler.httpHeaders ?? []).map((h) => [h.name, h.value]));
  await new Promise<void>((resolve, reject) => {
    const req = request({ host, port, path: handler.path || '/', method: 'GET', headers, timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      if (code >= 200 && code < 400) resolve();
      else reject(new Error(`HTTP lifecycle hook (${handler.path ?? '/'}) for Container "${target.container.name}" returned status ${code}`));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Runs a hook; resolves undefined on success, or the failure message. Never throws. */
export async function runLifecycleHandler(runtime: ContainerRuntime, handler: LifecycleHandler, target: HookTarget, timeoutSeconds: number): Promise<string | undefined> {
  try {
    if (handler.exec?.command) {
      const res = await runtime.execSync(target.containerId, handler.exec.command, Math.max(1, Math.ceil(timeoutSeconds)));
      if (res.exitCode !== 0) {
        const out = Buffer.concat([res.stdout, res.stderr]).toString('utf8').trim();
        return `command '${handler.exec.command.join(' ')}' exited with ${res.exitCode}: ${out}`;
      }
      return undefined;
    }
    if (handler.httpGet) {
      await httpGet(handler.httpGet, target, Math.max(1000, timeoutSeconds * 1000));
      return undefined;
    }
    if (handler.sleep) {
      await new Promise((r) => setTimeout(r, Math.min(handler.sleep!.seconds, timeoutSeconds) * 1000));
      return undefined;
    }
    return 'a lifecycle handler needs exec, httpGet or sleep';
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
