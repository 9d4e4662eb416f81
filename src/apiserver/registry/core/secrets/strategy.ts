// Secrets: base64 data (stringData merged in on write), a type with required keys, immutable.
import { ErrorList, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { plainStrategy } from '../../generic/strategies.js';
import { MAX_DATA_BYTES, validateDataKeys, validateImmutable } from '../configmaps/strategy.js';

export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  immutable?: boolean;
}

/** Keys each well-known secret type must carry. */
const requiredKeys: Record<string, string[]> = {
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/basic-auth': [],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const defaults = (secret: Secret): void => {
  secret.type ||= 'Opaque';
  // stringData is write-only: merged into data, never stored.
  if (secret.stringData) {
    secret.data ??= {};
    for (const [k, v] of Object.entries(secret.stringData)) secret.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete secret.stringData;
  }
};

export const secretStrategy = plainStrategy<Secret>({
  defaults,
  validate: (secret) => {
    const errs = new ErrorList();
    let total = validateDataKeys(secret.data, root('data'), errs, new Set());
    for (const [key, value] of Object.entries(secret.data ?? {})) {
      if (typeof value === 'string' && (!BASE64.test(value) || value.length % 4 !== 0)) {
        errs.invalid(root('data').key(key), '<secret contents redacted>', 'illegal base64 data');
      }
    }
    total = Math.floor((total * 3) / 4);
    if (total > MAX_DATA_BYTES) errs.tooLong(root('data'), MAX_DATA_BYTES);
    for (const key of requiredKeys[secret.type ?? 'Opaque'] ?? []) {
      if (!(key in (secret.data ?? {}))) errs.required(root('data').key(key));
    }
    if (secret.type === 'kubernetes.io/service-account-token' && !secret.metadata.annotations?.['kubernetes.io/service-account.name']) {
      errs.required(root('metadata', 'annotations').key('kubernetes.io/service-account.name'));
    }
    return errs;
  },
  validateUpdate: (secret, old) => {
    const errs = validateImmutable(secret, old);
    if ((secret.type ?? 'Opaque') !== (old.type ?? 'Opaque')) errs.invalid(root('type'), secret.type, 'field is immutable');
    return errs;
  },
});
