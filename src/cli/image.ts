// `kite image ...`: put images into the node's containerd without a registry, and list them.
//   kite image import FILE.tar   (OCI layout or `docker save` archive)
//   kite image ls
//   kite image build pause|busybox|web -o FILE.tar   (kite's built-in images)
//   kite image rm REF
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { basename } from 'node:path';
import { existsSync } from 'node:fs';
import { containerdPaths, DEFAULT_AGENT_DATA_DIR, EMBEDDED_AGENT_DATA_DIR } from '../agent/containerd/paths.js';
import { busyboxImage, pauseImage, webImage } from '../agent/images/builtin.js';
import { importImage } from '../agent/images/import.js';
import { type OciImageSpec, writeOciImage } from '../agent/images/oci-layout.js';
import { CriRuntime } from '../agent/runtime/cri/cri-runtime.js';
import type { Image } from '../agent/runtime/types.js';

interface EndpointFlags { containerRuntimeEndpoint?: string; dataDir?: string }

const BUILTIN: Record<string, () => OciImageSpec> = { pause: pauseImage, busybox: busyboxImage, web: webImage };

/** Without flags: the containerd of whichever kite runs here, `kite server`'s embedded agent (what
 *  `kite up` starts) or a standalone `kite agent`. */
export function endpointOf(flags: EndpointFlags): string {
  if (flags.containerRuntimeEndpoint) return flags.containerRuntimeEndpoint;
  const candidates = flags.dataDir ? [flags.dataDir] : [EMBEDDED_AGENT_DATA_DIR, DEFAULT_AGENT_DATA_DIR];
  const dataDir = candidates.find((dir) => existsSync(containerdPaths(dir).socket)) ?? candidates[candidates.length - 1]!;
  return `unix://${containerdPaths(dataDir).socket}`;
}

function withEndpoint(cmd: Command): Command {
  return cmd
    .option('--container-runtime-endpoint <endpoint>', 'CRI endpoint (default: the kite agent\'s own containerd)')
    .option('--data-dir <dir>', `the agent's data dir, which holds its containerd socket (default: ${EMBEDDED_AGENT_DATA_DIR} or ${DEFAULT_AGENT_DATA_DIR}, whichever is running)`);
}

export function humanSize(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return unit === 0 ? `${value}B` : `${value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)}${units[unit]}`;
}

/** crictl-style rows: IMAGE, TAG, IMAGE ID, SIZE (one row per tag; untagged images show <none>). */
export function formatImageTable(images: Image[]): string {
  const rows: string[][] = [['IMAGE', 'TAG', 'IMAGE ID', 'SIZE']];
  for (const image of images) {
    const id = image.id.replace(/^sha256:/, '').slice(0, 13);
    const refs = image.repoTags.length > 0 ? image.repoTags : [`${(image.repoDigests[0] ?? '<none>').split('@')[0]}:<none>`];
    for (const ref of refs) {
      const colon = ref.lastIndexOf(':');
      rows.push([ref.slice(0, colon), ref.slice(colon + 1), id, humanSize(image.size)]);
    }
  }
  rows.splice(1, rows.length - 1, ...rows.slice(1).sort((a, b) => (a.join(' ') < b.join(' ') ? -1 : 1)));
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3))).join('')).join('\n');
}

async function importCommand(file: string, flags: EndpointFlags): Promise<void> {
  const bar = new cliProgress.SingleBar({
    format: `importing ${basename(file)} [{bar}] {percentage}% | {done}/{size}`,
    hideCursor: true,
    clearOnComplete: false,
  }, cliProgress.Presets.shades_classic);
  let started = false;
  const result = await importImage(endpointOf(flags), file, {
    onProgress: (done, total) => {
      if (!started) {
        bar.start(total, 0, { done: humanSize(0), size: humanSize(total) });
        started = true;
      }
      bar.update(done, { done: humanSize(done) });
    },
  }).finally(() => {
    if (started) bar.stop();
  });
  if (result.images.length === 0) console.log('imported (no named images in the archive)');
  for (const name of result.images) console.log(`imported ${name}`);
}

async function withRuntime<T>(flags: EndpointFlags, fn: (rt: CriRuntime) => Promise<T>): Promise<T> {
  const runtime = new CriRuntime({ endpoint: endpointOf(flags), requestTimeoutMs: 15_000 });
  try {
    return await fn(runtime);
  } finally {
    runtime.close();
  }
}

export function registerImageCommands(program: Command): void {
  const image = program.command('image').description('Manage images in the node\'s container runtime');

  withEndpoint(image.command('import <file>')
    .description('Import an image archive (OCI layout or docker save tar) into the node\'s containerd'))
    .action((file: string, flags: EndpointFlags) => importCommand(file, flags));

  withEndpoint(image.command('ls').alias('list')
    .description('List the images the node\'s container runtime has')
    .option('-q, --quiet', 'print image ids only')
    .option('-o, --output <format>', 'table or json', 'table'))
    .action((flags: EndpointFlags & { quiet?: boolean; output: string }) => withRuntime(flags, async (rt) => {
      const images = await rt.listImages();
      if (flags.quiet) console.log(images.map((i) => i.id).join('\n'));
      else if (flags.output === 'json') console.log(JSON.stringify(images, null, 2));
      else console.log(formatImageTable(images));
    }));

  withEndpoint(image.command('rm <refs...>').description('Remove images by reference or id'))
    .action((refs: string[], flags: EndpointFlags) => withRuntime(flags, async (rt) => {
      for (const ref of refs) {
        await rt.removeImage({ image: ref });
        console.log(`removed ${ref}`);
      }
    }));

  image.command('build <name>')
    .description(`Build one of kite's built-in images (${Object.keys(BUILTIN).join(', ')}) as an OCI layout tar`)
    .requiredOption('-o, --output <file>', 'where to write the tar')
    .action(async (name: string, flags: { output: string }) => {
      const spec = BUILTIN[name];
      if (!spec) throw new Error(`unknown built-in image ${JSON.stringify(name)} (choose ${Object.keys(BUILTIN).join(', ')})`);
      const built = await writeOciImage(spec(), flags.output);
      console.log(`${built.name} ${built.manifest.digest} -> ${flags.output}`);
    });
}
