// exec probes: the command runs in the container through CRI ExecSync; exit 0 is success, any
// other exit a failure showing the combined output, a timeout a failure `command "..." timed out`.
import { isRuntimeError } from '../runtime/runtime.js';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { goQuote } from '../kuberuntime/fieldpath.js';
import { failure, MAX_PROBE_OUTPUT, type ProbeOutcome, success } from './types.js';

/** A failure that is not the probe's result (the runtime could not run it): the kubelet discards it. */
export class ProbeError extends Error {
  override readonly name = 'ProbeError';
}

export async function execProbe(runtime: ContainerRuntime, containerId: string, command: string[], timeoutSeconds: number): Promise<ProbeOutcome> {
  let res;
  try {
    res = await runtime.execSync(containerId, command, timeoutSeconds);
  } catch (err) {
    const timedOut = isRuntimeError(err, 'DeadlineExceeded') || /timeout .* exceeded/.test((err as Error).message);
    if (timedOut) return failure(`command ${goQuote(command.join(' '))} timed out`);
    throw new ProbeError((err as Error).message);
  }
  const output = Buffer.concat([res.stdout, res.stderr]).subarray(0, MAX_PROBE_OUTPUT).toString('utf8');
  return res.exitCode === 0 ? success(output) : failure(output);
}
