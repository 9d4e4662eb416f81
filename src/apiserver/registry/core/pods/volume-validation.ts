// Validation of pod volumes (ValidateVolumes): unique DNS-label names and exactly one source,
// with the required fields of the common sources checked.
import { ErrorList, type FieldPath } from '../../../../apimachinery/field.js';
import { isConfigMapKey, isDNS1123Subdomain } from '../../../../apimachinery/names.js';
import { QUANTITY_ERROR, parseQuantity } from '../quantity.js';
import { validateDNS1123Label } from './container-validation.js';
import { VOLUME_SOURCES, type Volume } from './types.js';

const FILE_MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';
const HOST_PATH_TYPES = ['', 'DirectoryOrCreate', 'Directory', 'FileOrCreate', 'File', 'Socket', 'CharDevice', 'BlockDevice'];

type Source = Record<string, unknown>;

function validateMode(mode: unknown, path: FieldPath, errs: ErrorList): void {
  if (mode === undefined || mode === null) return;
  if (typeof mode !== 'number' || mode < 0 || mode > 0o777) errs.invalid(path, mode, FILE_MODE_ERROR);
}

/** A path inside the volume: relative, without "..". */
function validateRelativePath(value: string, path: FieldPath, errs: ErrorList): void {
  if (value.startsWith('/')) errs.invalid(path, value, 'must be a relative path');
  if (value.split('/').includes('..')) errs.invalid(path, value, "must not contain '..'");
  if (value.startsWith('..')) errs.invalid(path, value, "must not start with '..'");
}

function validateKeyToPaths(items: unknown, path: FieldPath, errs: ErrorList): void {
  (Array.isArray(items) ? (items as { key?: string; path?: string; mode?: number }[]) : []).forEach((item, i) => {
    const p = path.index(i);
    if (!item.key) errs.required(p.child('key'));
    else for (const msg of isConfigMapKey(item.key)) errs.invalid(p.child('key'), item.key, msg);
    if (!item.path) errs.required(p.child('path'));
    else validateRelativePath(item.path, p.child('path'), errs);
    validateMode(item.mode, p.child('mode'), errs);
  });
}

function requireString(src: Source, key: string, path: FieldPath, errs: ErrorList): void {
  if (typeof src[key] !== 'string' || src[key] === '') errs.required(path.child(key));
}

/** Checks of the sources kite's agent mounts; the others are only counted. */
function validateSource(kind: string, src: Source, path: FieldPath, errs: ErrorList): void {
  const p = path.child(kind);
  switch (kind) {
    case 'hostPath':
      requireString(src, 'path', p, errs);
      if (src.type !== undefined && !HOST_PATH_TYPES.includes(String(src.type))) errs.notSupported(p.child('type'), src.type, HOST_PATH_TYPES);
      break;
    case 'emptyDir': {
      const media = ['', 'Memory', 'HugePages'];
      if (src.medium !== undefined && !media.includes(String(src.medium)) && !String(src.medium).startsWith('HugePages-')) {
        errs.notSupported(p.child('medium'), src.medium, media);
      }
      if (src.sizeLimit !== undefined) {
        const q = parseQuantity(src.sizeLimit);
        if (q === null) errs.invalid(p.child('sizeLimit'), src.sizeLimit, QUANTITY_ERROR);
        else if (q < 0n) errs.forbidden(p.child('sizeLimit'), 'SizeLimit field must be a valid resource quantity');
      }
      break;
    }
    case 'secret':
      requireString(src, 'secretName', p, errs);
      if (typeof src.secretName === 'string') for (const msg of isDNS1123Subdomain(src.secretName)) errs.invalid(p.child('secretName'), src.secretName, msg);
      validateMode(src.defaultMode, p.child('defaultMode'), errs);
      validateKeyToPaths(src.items, p.child('items'), errs);
      break;
    case 'configMap':
      requireString(src, 'name', p, errs);
      validateMode(src.defaultMode, p.child('defaultMode'), errs);
      validateKeyToPaths(src.items, p.child('items'), errs);
      break;
    case 'persistentVolumeClaim':
      requireString(src, 'claimName', p, errs);
      break;
    case 'nfs':
      requireString(src, 'server', p, errs);
      requireString(src, 'path', p, errs);
      if (typeof src.path === 'string' && src.path && !src.path.startsWith('/')) errs.invalid(p.child('path'), src.path, 'must be an absolute path');
      break;
    case 'csi':
      requireString(src, 'driver', p, errs);
      break;
    case 'ephemeral':
      if (!src.volumeClaimTemplate) errs.required(p.child('volumeClaimTemplate'));
      break;
    case 'downwardAPI':
      validateMode(src.defaultMode, p.child('defaultMode'), errs);
      break;
    case 'projected':
      validateMode(src.defaultMode, p.child('defaultMode'), errs);
      (Array.isArray(src.sources) ? (src.sources as Source[]) : []).forEach((s, i) => {
        const kinds = ['secret', 'downwardAPI', 'configMap', 'serviceAccountToken', 'clusterTrustBundle'].filter((k) => s[k]);
        if (kinds.length === 0) errs.required(p.child('sources').index(i), 'must specify exactly 1 of: secret, downwardAPI, configMap, serviceAccountToken, clusterTrustBundle');
        for (const k of kinds.slice(1)) errs.forbidden(p.child('sources').index(i).child(k), 'may not specify more than 1 volume type per source');
      });
      break;
    default:
      break;
  }
}

/** Validates spec.volumes; returns the errors and the volume names that mounts may refer to. */
export function validateVolumes(volumes: Volume[] | undefined, path: FieldPath): { errs: ErrorList; names: Set<string> } {
  const errs = new ErrorList();
  const names = new Set<string>();
  (Array.isArray(volumes) ? volumes : []).forEach((vol, i) => {
    const p = path.index(i);
    const src = vol as unknown as Source;
    const kinds = VOLUME_SOURCES.filter((k) => src[k] !== undefined && src[k] !== null);
    if (kinds.length === 0) errs.required(p, 'must specify a volume type');
    kinds.forEach((kind, n) => {
      if (n > 0) errs.forbidden(p.child(kind), 'may not specify more than 1 volume type');
      else validateSource(kind, (src[kind] ?? {}) as Source, p, errs);
    });
    if (!vol.name) errs.required(p.child('name'));
    else errs.add(validateDNS1123Label(vol.name, p.child('name')));
    if (names.has(vol.name)) errs.duplicate(p.child('name'), vol.name);
    if (vol.name) names.add(vol.name);
  });
  return { errs, names };
}
