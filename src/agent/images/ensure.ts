// Makes sure kite's built-in images are in containerd: build (reproducibly, so the digest is known
// up front), compare with what CRI already has, import only when missing or different.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRuntime } from '../runtime/runtime.js';
import { busyboxImage, pauseImage, webImage } from './builtin.js';
import { importImage } from './import.js';
import { type OciImageSpec, writeOciImage } from './oci-layout.js';

export type BuiltinImage = 'pause' | 'busybox' | 'web';

const SPECS: Record<BuiltinImage, () => OciImageSpec> = { pause: () => pauseImage(), busybox: () => busyboxImage(), web: () => webImage() };

export interface EnsuredImage { name: string; id: string; imported: boolean; tarPath: string }

/**
 * Builds each named image into `workDir` and imports it through containerd at `endpoint` unless CRI
 * already lists it with the same id (the config digest).
 */
export async function ensureImages(runtime: ContainerRuntime, endpoint: string, workDir: string, which: BuiltinImage[] = ['pause']): Promise<EnsuredImage[]> {
  await mkdir(workDir, { recursive: true });
  const out: EnsuredImage[] = [];
  for (const key of which) {
    const spec = SPECS[key]();
    const tarPath = join(workDir, `${key}.oci.tar`);
    const built = await writeOciImage(spec, tarPath);
    const have = await runtime.imageStatus({ image: built.name });
    const imported = have.image?.id !== built.config.digest;
    if (imported) await importImage(endpoint, tarPath);
    out.push({ name: built.name, id: built.config.digest, imported, tarPath });
  }
  return out;
}
