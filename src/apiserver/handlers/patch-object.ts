// Applies one PATCH request to the current object by patch type, and records which manager
// changed which fields (managedFields), as kube-apiserver does for every write.
import type { KubeObject } from '../../apimachinery/meta.js';
import { applyJsonPatch } from '../patch/json-patch.js';
import type { JsonObject } from '../patch/json.js';
import { updateManagedFields } from '../patch/managed-fields.js';
import { applyMergePatch } from '../patch/merge-patch.js';
import { schemaFor } from '../patch/patch-meta.js';
import { applyServerSide } from '../patch/server-side-apply.js';
import { applyStrategicMergePatch } from '../patch/strategic-merge-patch.js';

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
  subresource?: string;
}

export function applyPatch(req: PatchRequest): KubeObject {
  if (req.type === 'apply') {
    return applyServerSide({
      live: req.current,
      config: req.patch,
      manager: req.manager,
      force: req.force,
      apiVersion: req.apiVersion,
      kind: req.def.kind,
      subresource: req.subresource || undefined,
    }).object;
  }
  const current = (req.current ?? {}) as unknown as JsonObject;
  let patched: KubeObject;
  switch (req.type) {
    case 'json':
      patched = applyJsonPatch(current, req.patch) as unknown as KubeObject;
      break;
    case 'merge':
      patched = applyMergePatch(current, req.patch) as unknown as KubeObject;
      break;
    case 'strategic':
      patched = applyStrategicMergePatch(current, req.patch, schemaFor(req.apiVersion, req.def.kind)) as unknown as KubeObject;
      break;
  }
  // A manager with an empty name (internal /scale conversions) is not tracked.
  if (req.manager) updateManagedFields(req.current, patched, req.manager, req.apiVersion, 'Update', req.subresource ? { subresource: req.subresource } : {});
  return patched;
}
