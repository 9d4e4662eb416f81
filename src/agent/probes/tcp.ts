// tcpSocket probes: success when a TCP connection opens within the timeout (probe/tcp DoTCPProbe).
import { connect } from 'node:net';
import { dialErrorText, failure, joinHostPort, type ProbeOutcome, success } from './types.js';

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(failure(`dial tcp ${joinHostPort(host, port)}: i/o timeout`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(success());
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(failure(dialErrorText(err, host, port)));
    });
  });
}
