// grpc probes: grpc.health.v1.Health/Check over plain-text gRPC (probe/grpc), SERVING is success.
// The two health messages are declared here for protobufjs rather than loaded from a .proto file.
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { failure, joinHostPort, type ProbeOutcome, success } from './types.js';

const root = protobuf.Root.fromJSON({
  nested: {
    HealthCheckRequest: { fields: { service: { type: 'string', id: 1 } } },
    HealthCheckResponse: {
      fields: { status: { type: 'ServingStatus', id: 1 } },
      nested: { ServingStatus: { values: { UNKNOWN: 0, SERVING: 1, NOT_SERVING: 2, SERVICE_UNKNOWN: 3 } } },
    },
  },
});
const Request = root.lookupType('HealthCheckRequest');
const Response = root.lookupType('HealthCheckResponse');
const STATUS_NAMES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** grpc-go's spelling of a status code (DEADLINE_EXCEEDED -> DeadlineExceeded). */
const goCodeName = (code: number): string =>
  (grpc.status[code] ?? 'Unknown').toLowerCase().replace(/(^|_)([a-z])/g, (_m, _u: string, c: string) => c.toUpperCase());

export const HEALTH_CHECK_METHOD = '/grpc.health.v1.Health/Check';

export function grpcProbe(host: string, port: number, service: string, timeoutSeconds: number): Promise<ProbeOutcome> {
  const addr = joinHostPort(host, port);
  const client = new grpc.Client(addr, grpc.credentials.createInsecure());
  const deadline = Date.now() + timeoutSeconds * 1000;
  return new Promise<ProbeOutcome>((resolve) => {
    client.waitForReady(deadline, (connectErr) => {
      if (connectErr) {
        resolve(failure(`timeout: failed to connect service "${addr}" within ${timeoutSeconds}s: context deadline exceeded`));
        return;
      }
      client.makeUnaryRequest<{ service: string }, { status: number }>(
        HEALTH_CHECK_METHOD,
        (msg) => Buffer.from(Request.encode(Request.create(msg)).finish()),
        (buf) => Response.toObject(Response.decode(buf), { enums: Number, defaults: true }) as { status: number },
        { service },
        { deadline },
        (err, res) => {
          if (err) {
            if (err.code === grpc.status.UNIMPLEMENTED) resolve(failure(`error: this server does not implement the grpc health protocol (grpc.health.v1.Health): ${err.details}`));
            else if (err.code === grpc.status.DEADLINE_EXCEEDED) resolve(failure(`timeout: health rpc did not complete within ${timeoutSeconds}s`));
            else resolve(failure(`error: health rpc probe failed: rpc error: code = ${goCodeName(err.code)} desc = ${err.details}`));
            return;
          }
          const status = res?.status ?? 0;
          resolve(status === 1 ? success('service healthy') : failure(`service unhealthy (responded with "${STATUS_NAMES[status] ?? String(status)}")`));
        },
      );
    });
  }).finally(() => client.close());
}
