// The PATCH handler's entry point: applies one of the four patch types to the current object
// and records the write in metadata.managedFields, as kube-apiserver's patcher does.

import { notFound } from '../../apimachinery/errors.js';
import type { KubeObject } from '../../apimachinery/meta.js';
import type { FieldSet } from './fieldpath.js';
import type { JsonObject } from './json.js';
import { applyJsonPatch } from './json-patch.js';
import { updateManagedFields } from './managed-fields.js';
import { applyMergePatch } from './merge-patch.js';
import { schemaFor } from './patch-meta.js';
import { applyServerSide } from './server-side-apply.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

/** json-patch+json, merge-patch+json, strategic-merge-patch+json, apply-patch+yaml. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

export interface PatchInput {
  type: PatchType;
  /** The stored object (a copy the patch may consume), or null when it does not exist. */
  current: KubeObject | null;
  /**
   * The stored object again, only read (managedFields are computed against it). When given,
   * merge and strategic patches change `current` in place instead of copying it first.
   */
  original?: KubeObject | null;
  /** The decoded patch body. */
  patch: unknown;
  def: { group: string; version: string; kind: string; resource?: string };
  /** Field manager; '' records no managedFields (the scale subresource). */
  manager: string;
  force: boolean;
  /** The served group/version, e.g. "apps/v1". */
  apiVersion: string;
  namespace?: string;
  name: string;
  subresource?: string;
  /** Fields this endpoint resets and so never gives to a manager (e.g. `status` on the main resource). */
  ignoredFields?: FieldSet;
  now?: Date;
}

/**
 * Returns the patched object. A missing object is a 404, except for apply, which creates it.
 * Throws StatusErrors with kube-apiserver's codes and messages for bad or inapplicable patches
 * and for apply conflicts.
 */
export function applyPatch(input: PatchInput): KubeObject {
  const { type, current, def, manager, apiVersion } = input;
  if (type === 'apply') {
    return applyServerSide({
      live: current,
      config: input.patch,
      manager,
      force: input.force,
      apiVersion,
      kind: def.kind,
      subresource: input.subresource,
      ignoredFields: input.ignoredFields,
      now: input.now,
    }).object;
  }
  if (!current) throw notFound({ group: def.group, resource: def.resource ?? `${def.kind.toLowerCase()}s` }, input.name);
  const doc = current as unknown as JsonObject;
  const inPlace = input.original != null;
  let patched: JsonObject;
  if (type === 'json') patched = applyJsonPatch(doc, input.patch);
  else if (type === 'merge') patched = applyMergePatch(doc, input.patch, { inPlace });
  else patched = applyStrategicMergePatch(doc, input.patch, schemaFor(apiVersion, def.kind), { inPlace });
  const result = patched as unknown as KubeObject;
  if (!manager) return result;
  const before = inPlace ? input.original! : current;
  return updateManagedFields(before, result, manager, apiVersion, 'Update', { subresource: input.subresource, ignoredFields: input.ignoredFields, now: input.now });
}
