// gRPC plumbing for CRI: loads the embedded runtime.v1 subset, connects to a unix socket and turns
// unary calls into promises with a deadline, mapping gRPC failures to RuntimeError.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { RuntimeError, type RuntimeErrorCode } from '../runtime.js';
import { CRI_API_PROTO } from './api-proto.js';

const LOADER_OPTIONS: protoLoader.Options = { longs: Number, enums: String, defaults: true, arrays: true, objects: true };
// The kubelet allows 16 MiB messages (lists of many containers or images exceed gRPC's 4 MiB default).
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

let cachedPackage: grpc.GrpcObject | undefined;

/** The runtime.v1 package loaded from the embedded proto text (parsed once per process). */
export function criPackage(): grpc.GrpcObject {
  if (!cachedPackage) {
    // keepCase: false gives the camelCase field names the types in ../types.ts use.
    const { root } = protobuf.parse(CRI_API_PROTO, { keepCase: false });
    const definition = protoLoader.fromJSON(root.toJSON(), LOADER_OPTIONS);
    cachedPackage = grpc.loadPackageDefinition(definition);
  }
  return cachedPackage;
}

type UnaryCallback = (err: grpc.ServiceError | null, response?: unknown) => void;
type UnaryMethod = (request: object, metadata: grpc.Metadata, options: grpc.CallOptions, callback: UnaryCallback) => grpc.ClientUnaryCall;

export interface CriClientOptions {
  /** `unix:///path/to/containerd.sock` or a plain socket path. */
  endpoint: string;
  /** Deadline of ordinary calls (the kubelet's runtime-request-timeout is 2 minutes). */
  requestTimeoutMs?: number;
}

export type CriService = 'RuntimeService' | 'ImageService';

export class CriClient {
  readonly endpoint: string;
  readonly requestTimeoutMs: number;
  readonly #clients: Record<CriService, grpc.Client>;

  constructor(opts: CriClientOptions) {
    this.endpoint = normalizeEndpoint(opts.endpoint);
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 120_000;
    const pkg = criPackage();
    const v1 = (pkg.runtime as grpc.GrpcObject).v1 as grpc.GrpcObject;
    const channelOptions: grpc.ChannelOptions = {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    };
    const make = (name: CriService): grpc.Client => {
      const ctor = v1[name] as grpc.ServiceClientConstructor;
      return new ctor(this.endpoint, grpc.credentials.createInsecure(), channelOptions);
    };
    // Both clients share one connection: grpc-js pools subchannels by target and options.
    this.#clients = { RuntimeService: make('RuntimeService'), ImageService: make('ImageService') };
  }

  /** Calls one unary method; `timeoutMs` overrides the default deadline. */
  call<Res>(service: CriService, method: string, request: object, timeoutMs = this.requestTimeoutMs): Promise<Res> {
    const client = this.#clients[service] as unknown as Record<string, UnaryMethod>;
    const fn = client[method];
    if (typeof fn !== 'function') return Promise.reject(new RuntimeError('Unimplemented', `no method ${service}.${method}`));
    return new Promise<Res>((resolve, reject) => {
      const deadline = new Date(Date.now() + timeoutMs);
      fn.call(client, request, new grpc.Metadata(), { deadline }, (err, response) => {
        if (err) reject(toRuntimeError(err, method));
        else resolve(dropNulls(response) as Res);
      });
    });
  }

  close(): void {
    this.#clients.RuntimeService.close();
    this.#clients.ImageService.close();
  }
}

export function normalizeEndpoint(endpoint: string): string {
  if (endpoint.startsWith('unix://')) return endpoint;
  if (endpoint.startsWith('unix:')) return `unix://${endpoint.slice('unix:'.length)}`;
  if (endpoint.startsWith('/')) return `unix://${endpoint}`;
  throw new RuntimeError('InvalidArgument', `unsupported runtime endpoint ${JSON.stringify(endpoint)} (want unix:///path)`);
}

const CODE_NAMES: Partial<Record<grpc.status, RuntimeErrorCode>> = {
  [grpc.status.NOT_FOUND]: 'NotFound',
  [grpc.status.ALREADY_EXISTS]: 'AlreadyExists',
  [grpc.status.INVALID_ARGUMENT]: 'InvalidArgument',
  [grpc.status.FAILED_PRECONDITION]: 'FailedPrecondition',
  [grpc.status.DEADLINE_EXCEEDED]: 'DeadlineExceeded',
  [grpc.status.UNAVAILABLE]: 'Unavailable',
  [grpc.status.UNIMPLEMENTED]: 'Unimplemented',
  [grpc.status.CANCELLED]: 'Canceled',
  [grpc.status.INTERNAL]: 'Internal',
};

function toRuntimeError(err: grpc.ServiceError, method: string): RuntimeError {
  return new RuntimeError(CODE_NAMES[err.code] ?? 'Unknown', err.details || err.message, method);
}

/** proto-loader's `defaults` fills absent sub-messages with null; the types say "absent" instead. */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (v !== null) out[key] = dropNulls(v);
  return out;
}
