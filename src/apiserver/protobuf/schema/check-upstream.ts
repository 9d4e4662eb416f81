// Maintenance check, run by hand after editing the schema: compares every field of kite's .proto
// subset with upstream Kubernetes, both the generated.proto (number, name, type, label) and the Go
// struct tags in types.go (pointer or value, omitempty, inline, JSON name), i.e. the facts the
// annotations in annotations.ts encode.
//
//   git -C <kubernetes/api clone> archive v0.32.0 | tar -x -C /tmp/api
//   git -C <kubernetes/apimachinery clone> archive v0.32.0 | tar -x -C /tmp/apimachinery
//   node dist/src/apiserver/protobuf/schema/check-upstream.js /tmp/api /tmp/apimachinery
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { protoRoot } from '../registry.js';
import { OPT_INLINE, OPT_JSON_NAME, OPT_KEEP_ZERO, OPT_POINTER } from './annotations.js';

interface GoField {
  goType: string;
  num: number;
  json: string;
  omitempty: boolean;
  inline: boolean;
}

/** Struct name -> fields that carry a protobuf tag. A line-based reading of gofmt'ed types.go. */
const parseGoStructs = (path: string): Map<string, GoField[]> => {
  const structs = new Map<string, GoField[]>();
  let current: GoField[] | undefined;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const start = /^type (\w+) struct \{/.exec(line);
    if (start) structs.set(start[1]!, (current = []));
    else if (current && line.startsWith('}')) current = undefined;
    const field = current && /^\s+(?:\w+\s+)?([*[\]\w.]+)\s+`(.*)`\s*$/.exec(line);
    if (!current || !field) continue;
    const pb = /protobuf:"\w+,(\d+)/.exec(field[2]!);
    if (!pb) continue;
    const json = (/json:"([^"]*)"/.exec(field[2]!)?.[1] ?? '').split(',');
    current.push({ goType: field[1]!, num: Number(pb[1]), json: json[0]!, omitempty: json.includes('omitempty'), inline: json.includes('inline') });
  }
  return structs;
};

const packageDirs = (api: string, machinery: string): Record<string, string> => {
  const dirs: Record<string, string> = {
    'k8s.io.apimachinery.pkg.apis.meta.v1': join(machinery, 'pkg/apis/meta/v1'),
    'k8s.io.apimachinery.pkg.runtime': join(machinery, 'pkg/runtime'),
    'k8s.io.apimachinery.pkg.util.intstr': join(machinery, 'pkg/util/intstr'),
    'k8s.io.apimachinery.pkg.api.resource': join(machinery, 'pkg/api/resource'),
  };
  for (const group of ['core', 'apps', 'batch', 'rbac', 'authorization', 'authentication', 'autoscaling', 'policy', 'networking', 'scheduling', 'certificates']) {
    dirs[`k8s.io.api.${group}.v1`] = join(api, group, 'v1');
  }
  return dirs;
};

/** Value types whose pointer-ness and omitempty matter like a scalar's. */
const VALUE_TYPES = new Set([
  '.k8s.io.apimachinery.pkg.apis.meta.v1.Time',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime',
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString',
  '.k8s.io.apimachinery.pkg.api.resource.Quantity',
]);
/** Messages with no Go struct of their own (custom marshalling or a named slice). */
const NO_GO_STRUCT = new Set(['Time', 'MicroTime', 'FieldsV1', 'IntOrString', 'Quantity', 'Unknown', 'TypeMeta', 'ExtraValue']);
/** Kite reuses Container for EphemeralContainerCommon: same fields, same numbers. */
const SAME_TYPE: Record<string, string> = { '.k8s.io.api.core.v1.EphemeralContainerCommon': '.k8s.io.api.core.v1.Container' };

export const checkAgainstUpstream = (apiDir: string, machineryDir: string): string[] => {
  const dirs = packageDirs(apiDir, machineryDir);
  const upstream = new protobuf.Root();
  const goStructs = new Map<string, Map<string, GoField[]>>();
  for (const [pkg, dir] of Object.entries(dirs)) {
    const text = readFileSync(join(dir, 'generated.proto'), 'utf8').replace(/^import .*$/gm, '');
    protobuf.parse(text, upstream, { keepCase: true });
    if (existsSync(join(dir, 'types.go'))) goStructs.set(pkg, parseGoStructs(join(dir, 'types.go')));
  }
  const problems: string[] = [];
  const checkType = (mine: protobuf.Type): void => {
    const full = mine.fullName.slice(1);
    const theirs = upstream.lookupType(full);
    const goFields = NO_GO_STRUCT.has(mine.name) ? undefined : goStructs.get(full.slice(0, full.lastIndexOf('.')))?.get(mine.name);
    if (!NO_GO_STRUCT.has(mine.name) && !goFields) problems.push(`${full}: no Go struct`);
    for (const f of mine.fieldsArray) {
      const where = `${full}.${f.name}`;
      const u = theirs.fieldsById[f.id];
      if (!u) {
        problems.push(`${where}: no upstream field ${f.id}`);
        continue;
      }
      u.resolve();
      const myType = f.resolvedType ? f.resolvedType.fullName : f.type;
      const upType = u.resolvedType ? u.resolvedType.fullName : u.type;
      if (u.name !== f.name) problems.push(`${where}: upstream name is ${u.name}`);
      const keyDiffers = f instanceof protobuf.MapField && u instanceof protobuf.MapField && f.keyType !== u.keyType;
      if (u.repeated !== f.repeated || u.map !== f.map || keyDiffers) problems.push(`${where}: label or map differs`);
      if (myType !== (SAME_TYPE[upType] ?? upType)) problems.push(`${where}: type ${myType}, upstream ${upType}`);
      const go = goFields?.find((g) => g.num === f.id);
      if (!goFields) continue;
      if (!go) {
        problems.push(`${where}: no Go field`);
        continue;
      }
      const opts = f.options ?? {};
      const valueLike = !f.resolvedType || VALUE_TYPES.has(myType);
      const pointer = go.goType.startsWith('*');
      if (Boolean(opts[OPT_INLINE]) !== go.inline) problems.push(`${where}: inline should be ${go.inline}`);
      if (!go.inline && String(opts[OPT_JSON_NAME] ?? f.name) !== go.json) problems.push(`${where}: JSON name is ${go.json}`);
      if (valueLike && Boolean(opts[OPT_POINTER]) !== pointer) problems.push(`${where}: (ptr) should be ${pointer}`);
      if (!valueLike && opts[OPT_POINTER]) problems.push(`${where}: (ptr) on a message field has no effect`);
      const keep = valueLike && !pointer && !go.omitempty && !f.repeated && !f.map;
      if (Boolean(opts[OPT_KEEP_ZERO]) !== keep) problems.push(`${where}: (keep) should be ${keep}`);
    }
  };
  const walk = (ns: protobuf.NamespaceBase): void => {
    for (const nested of ns.nestedArray) {
      if (nested instanceof protobuf.Type) checkType(nested);
      else if (nested instanceof protobuf.Namespace) walk(nested);
    }
  };
  walk(protoRoot);
  return problems;
};

if (process.argv[1]?.endsWith('check-upstream.js')) {
  const [apiDir, machineryDir] = process.argv.slice(2);
  if (!apiDir || !machineryDir) {
    console.error('usage: check-upstream.js <k8s.io/api dir> <k8s.io/apimachinery dir>');
    process.exit(2);
  }
  const problems = checkAgainstUpstream(apiDir, machineryDir);
  for (const p of problems) console.log(p);
  console.log(problems.length === 0 ? 'schema matches upstream' : `${problems.length} problem(s)`);
  process.exit(problems.length === 0 ? 0 : 1);
}
