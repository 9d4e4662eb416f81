// Start-up allocates in bursts (modules, OpenAPI, RBAC bootstrap, the first lists of every watch
// cache and informer) whose survivors make V8 double the young generation up to its 16 MB x 2
// semi-spaces. V8 never gives that space back while the process idles, so a quiet server carried
// ~20 MB of RSS it used once. Holding the semi-space at its initial size until start-up is over,
// then restoring V8's default growth, leaves it to grow only under real load.
// (`--max-semi-space-size` would cap it under load too, and can only be given on node's command line.)
import { setFlagsFromString } from 'node:v8';

/** V8's default --semi-space-growth-factor. */
const DEFAULT_GROWTH_FACTOR = 2;

/** Keeps the young generation at its initial size (bin/kite calls it before any module loads). */
export function holdYoungGenerationDuringStartup(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

/** Lets the young generation grow under load again (V8's default). */
export function releaseYoungGeneration(): void {
  setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
}
