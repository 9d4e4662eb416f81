// Container probes: runProbe runs one probe (exec through CRI ExecSync, httpGet, tcpSocket, grpc);
// ProbeManager (a pods/seams.ts PodProber) runs liveness/readiness/startup workers per container.
export { ProbeManager, type ProbeManagerOptions, type ProbeTarget, type RecordProbeEvent } from './probe-manager.js';
export { ProbeError, type ProbeTargetInfo, type ProbeType, resolveContainerPort, runProbe } from './prober.js';
export { type ProbeOutcome, type ProbeResult, PROBE_USER_AGENT } from './types.js';
export { httpProbe } from './http.js';
export { tcpProbe } from './tcp.js';
export { execProbe } from './exec.js';
export { grpcProbe } from './grpc.js';
