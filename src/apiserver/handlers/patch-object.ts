// Applies one PATCH request to the current object, by patch type.
import { unsupportedMediaType } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/meta.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import type { JsonObject } from '../patch/json.js';
import { applyMergePatch } from '../patch/merge-patch.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface PatchRequest {
  type: PatchType;
  /** The live object; null when an apply patch creates it. */
  current: KubeObject | null;
  patch: unknown;
  def: { group: string; version: string; kind: string };
  manager: string;
  force: boolean;
  apiVersion: string;
  namespace: string;
  name: string;
}

export function applyPatch(req: PatchRequest): KubeObject {
  const current = (req.current ?? {}) as unknown as JsonObject;
  switch (req.type) {
    case 'json':
      return applyJsonPatch(current, req.patch) as unknown as KubeObject;
    case 'merge':
      return applyMergePatch(current, req.patch) as unknown as KubeObject;
    default:
      throw unsupportedMediaType(`application/${req.type}`);
  }
}
