// Regenerates api-proto.ts from api.proto (tsc does not copy .proto files into dist/, so the agent
// loads the embedded text). Run after editing api.proto:
//   npx tsc -p . && node dist/src/agent/runtime/cri/embed-api-proto.js
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
export const PROTO_SOURCE = `${repoRoot}src/agent/runtime/cri/api.proto`;
export const EMBEDDED_SOURCE = `${repoRoot}src/agent/runtime/cri/api-proto.ts`;

export function renderEmbedded(protoText: string): string {
  return [
    '// Generated from api.proto by embed-api-proto.ts: do not edit.',
    '',
    `export const CRI_API_PROTO = ${JSON.stringify(protoText)};`,
    '',
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(EMBEDDED_SOURCE, renderEmbedded(readFileSync(PROTO_SOURCE, 'utf8')));
  console.log(`wrote ${EMBEDDED_SOURCE}`);
}
