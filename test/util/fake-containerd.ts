// A stand-in for the containerd binary in supervisor unit tests (no root needed): reads the
// `[grpc] address` from the config kite wrote and answers CRI Version there until killed.
//   node fake-containerd.js --config FILE
// FAKE_CONTAINERD_EXIT_AFTER_MS=N makes it exit with code 2 after N ms (a crash).
import * as grpc from '@grpc/grpc-js';
import { readFileSync, rmSync } from 'node:fs';
import { criPackage } from '../../src/agent/runtime/cri/client.js';

const configPath = process.argv[process.argv.indexOf('--config') + 1] ?? '';
const grpcSection = readFileSync(configPath, 'utf8').split('[grpc]')[1] ?? '';
const address = /address = "([^"]+)"/.exec(grpcSection)?.[1];
if (!address) throw new Error(`no [grpc] address in ${configPath}`);

const v1 = (criPackage().runtime as grpc.GrpcObject).v1 as grpc.GrpcObject;
const service = (v1.RuntimeService as grpc.ServiceClientConstructor).service;
const server = new grpc.Server();
server.addService(service, {
  Version: (_call: unknown, cb: grpc.sendUnaryData<object>) => cb(null, { version: '0.1.0', runtimeName: 'fake-containerd', runtimeVersion: String(process.pid), runtimeApiVersion: 'v1' }),
});
rmSync(address, { force: true });
server.bindAsync(`unix://${address}`, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) throw err;
  console.log(`fake containerd ${process.pid} serving on ${address}`);
});
const exitAfter = Number(process.env.FAKE_CONTAINERD_EXIT_AFTER_MS ?? 0);
if (exitAfter > 0) setTimeout(() => process.exit(2), exitAfter);
process.on('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
