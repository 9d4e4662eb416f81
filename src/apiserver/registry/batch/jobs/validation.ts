// Job validation with the paths and messages of pkg/apis/batch/validation (Kubernetes 1.32).
import { ErrorList, type FieldPath, root } from '../../../../apimachinery/field.js';
import { labelSelectorAsSelector, validateLabelSelector } from '../../../../apimachinery/labels.js';
import type { ObjectMeta } from '../../../../apimachinery/meta.js';
import { isDNS1123Label } from '../../../../apimachinery/names.js';
import { validatePodTemplateSpec } from '../../core/pods/podspec-validation.js';
import { type PodTemplateSpec, validateNonNegative } from '../../apps/workload.js';
import { validateDomainPrefixedPath } from '../../networking/net-validation.js';
import { semanticEqual, validateImmutableField } from '../field-helpers.js';
import { validatePodFailurePolicy, validateSuccessPolicy } from './policies.js';
import {
  CONTROLLER_UID_LABEL,
  JOB_NAME_LABEL,
  type Job,
  type JobSpec,
  LEGACY_CONTROLLER_UID_LABEL,
  LEGACY_JOB_NAME_LABEL,
} from './strategy.js';
export { validateJobStatusUpdate } from './status-validation.js';

const MAX_PARALLELISM_INDEXED = 100000;
const MAX_FAILED_INDEXES = 100_000;
const COMPLETIONS_SOFT_LIMIT = 100_000;
const PARALLELISM_LIMIT_HIGH_COMPLETIONS = 10_000;
const MAX_FAILED_INDEXES_HIGH_COMPLETIONS = 10_000;
const MAX_MANAGED_BY_LENGTH = 63;

/** apivalidation.ValidateHasLabel. */
function validateHasLabel(meta: ObjectMeta | undefined, path: FieldPath, key: string, expected: string, errs: ErrorList): void {
  const labels = meta?.labels ?? {};
  if (!(key in labels)) errs.required(path.child('labels').key(key), expected);
  else if (labels[key] !== expected) errs.invalid(path.child('labels').key(key), labels, `must be '${expected}'`);
}

/** validateGeneratedSelector: the generated labels are on the template and the selector picks them. */
function validateGeneratedSelector(job: Job, requirePrefixedLabels: boolean, errs: ErrorList): void {
  const spec = job.spec;
  if (spec?.manualSelector === true || !spec?.selector) return;
  const uid = job.metadata.uid ?? '';
  const name = job.metadata.name ?? '';
  if (!uid) errs.required(root('metadata', 'uid'));
  const metaPath = root('spec', 'template', 'metadata');
  validateHasLabel(spec.template?.metadata, metaPath, LEGACY_CONTROLLER_UID_LABEL, uid, errs);
  validateHasLabel(spec.template?.metadata, metaPath, LEGACY_JOB_NAME_LABEL, name, errs);
  const expected: Record<string, string> = {};
  if (requirePrefixedLabels) {
    validateHasLabel(spec.template?.metadata, metaPath, CONTROLLER_UID_LABEL, uid, errs);
    validateHasLabel(spec.template?.metadata, metaPath, JOB_NAME_LABEL, name, errs);
    expected[CONTROLLER_UID_LABEL] = uid;
    expected[JOB_NAME_LABEL] = name;
  }
  expected[LEGACY_CONTROLLER_UID_LABEL] = uid;
  expected[LEGACY_JOB_NAME_LABEL] = name;
  try {
    if (!labelSelectorAsSelector(spec.selector).matches(expected)) errs.invalid(root('spec', 'selector'), spec.selector, '`selector` not auto-generated');
  } catch {
    // An unparsable selector is reported by the selector validation.
  }
}

/** validateJobSpec: everything but the selector (a CronJob's jobTemplate has none yet). */
export function validateJobSpecCore(spec: JobSpec, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  validateNonNegative(spec.parallelism, path.child('parallelism'), errs);
  validateNonNegative(spec.completions, path.child('completions'), errs);
  validateNonNegative(spec.activeDeadlineSeconds, path.child('activeDeadlineSeconds'), errs);
  validateNonNegative(spec.backoffLimit, path.child('backoffLimit'), errs);
  validateNonNegative(spec.ttlSecondsAfterFinished, path.child('ttlSecondsAfterFinished'), errs);
  validateNonNegative(spec.backoffLimitPerIndex, path.child('backoffLimitPerIndex'), errs);
  if (spec.maxFailedIndexes !== undefined) {
    validateNonNegative(spec.maxFailedIndexes, path.child('maxFailedIndexes'), errs);
    if (spec.backoffLimitPerIndex === undefined) errs.required(path.child('backoffLimitPerIndex'), 'when maxFailedIndexes is specified');
  }
  if (spec.managedBy !== undefined) {
    errs.add(validateDomainPrefixedPath(path.child('managedBy'), spec.managedBy));
    if (spec.managedBy.length > MAX_MANAGED_BY_LENGTH) errs.tooLong(path.child('managedBy'), MAX_MANAGED_BY_LENGTH);
  }
  const mode = spec.completionMode;
  if (mode !== undefined && mode !== 'NonIndexed' && mode !== 'Indexed') errs.notSupported(path.child('completionMode'), mode, ['NonIndexed', 'Indexed']);
  if (mode === 'Indexed') {
    if (spec.completions === undefined) errs.required(path.child('completions'), 'when completion mode is Indexed');
    if (spec.parallelism !== undefined && spec.parallelism > MAX_PARALLELISM_INDEXED) {
      errs.invalid(path.child('parallelism'), spec.parallelism, `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`);
    }
    if (spec.completions !== undefined && spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes > spec.completions) {
      errs.invalid(path.child('maxFailedIndexes'), spec.maxFailedIndexes, 'must be less than or equal to completions');
    }
    if (spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes > MAX_FAILED_INDEXES) {
      errs.invalid(path.child('maxFailedIndexes'), spec.maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES}`);
    }
    if (spec.completions !== undefined && spec.completions > COMPLETIONS_SOFT_LIMIT && spec.backoffLimitPerIndex !== undefined) {
      const suffix = `when completions are above ${COMPLETIONS_SOFT_LIMIT} and used with backoff limit per index`;
      if (spec.maxFailedIndexes === undefined) errs.required(path.child('maxFailedIndexes'), `must be specified when completions is above ${COMPLETIONS_SOFT_LIMIT}`);
      if (spec.parallelism !== undefined && spec.parallelism > PARALLELISM_LIMIT_HIGH_COMPLETIONS) {
        errs.invalid(path.child('parallelism'), spec.parallelism, `must be less than or equal to ${PARALLELISM_LIMIT_HIGH_COMPLETIONS} ${suffix}`);
      }
      if (spec.maxFailedIndexes !== undefined && spec.maxFailedIndexes > MAX_FAILED_INDEXES_HIGH_COMPLETIONS) {
        errs.invalid(path.child('maxFailedIndexes'), spec.maxFailedIndexes, `must be less than or equal to ${MAX_FAILED_INDEXES_HIGH_COMPLETIONS} ${suffix}`);
      }
    }
  }
  if (mode === undefined || mode === 'NonIndexed') {
    if (spec.backoffLimitPerIndex !== undefined) errs.invalid(path.child('backoffLimitPerIndex'), spec.backoffLimitPerIndex, 'requires indexed completion mode');
    if (spec.maxFailedIndexes !== undefined) errs.invalid(path.child('maxFailedIndexes'), spec.maxFailedIndexes, 'requires indexed completion mode');
  }
  if (spec.podFailurePolicy) errs.add(validatePodFailurePolicy(spec, path.child('podFailurePolicy')));
  if (spec.successPolicy) {
    if (mode !== 'Indexed') errs.invalid(path.child('successPolicy'), spec.successPolicy, 'requires indexed completion mode');
    else errs.add(validateSuccessPolicy(spec, path.child('successPolicy')));
  }
  const replacement = spec.podReplacementPolicy;
  if (replacement !== undefined) {
    const allowed = spec.podFailurePolicy ? ['Failed'] : ['Failed', 'TerminatingOrFailed'];
    if (!allowed.includes(replacement)) errs.notSupported(path.child('podReplacementPolicy'), replacement, allowed);
  }
  const templatePath = path.child('template');
  errs.add(validatePodTemplateSpec(spec.template ?? {}, templatePath));
  // Defaulting turns a missing restartPolicy into Always, so both mean "not chosen".
  const restartPath = templatePath.child('spec', 'restartPolicy');
  const restart = spec.template?.spec?.restartPolicy ?? '';
  if (restart === 'Always' || restart === '') errs.required(restartPath, 'valid values: "OnFailure", "Never"');
  else if (restart !== 'OnFailure' && restart !== 'Never') errs.notSupported(restartPath, restart, ['OnFailure', 'Never']);
  else if (spec.podFailurePolicy && restart !== 'Never') errs.invalid(restartPath, restart, 'only "Never" is supported when podFailurePolicy is specified');
  return errs;
}

/** ValidateJobSpec: the core checks plus a valid selector that matches the template. */
export function validateJobSpec(spec: JobSpec | undefined, path: FieldPath): ErrorList {
  const s = spec ?? {};
  const errs = validateJobSpecCore(s, path);
  if (!s.selector) errs.required(path.child('selector'));
  else errs.add(validateLabelSelector(s.selector, path.child('selector')));
  const labels = s.template?.metadata?.labels ?? {};
  try {
    if (!labelSelectorAsSelector(s.selector).matches(labels)) {
      errs.invalid(path.child('template', 'metadata', 'labels'), labels, '`selector` does not match template `labels`');
    }
  } catch {
    // Reported by validateLabelSelector.
  }
  return errs;
}

export function validateJob(job: Job, opts: { requirePrefixedLabels: boolean }): ErrorList {
  const errs = new ErrorList();
  validateGeneratedSelector(job, opts.requirePrefixedLabels, errs);
  errs.add(validateJobSpec(job.spec, root('spec')));
  const spec = job.spec;
  if (spec?.completionMode === 'Indexed' && spec.completions !== undefined && spec.completions > 0) {
    const hostname = `${job.metadata.name ?? ''}-${spec.completions - 1}`;
    if (isDNS1123Label(hostname).length > 0) {
      errs.invalid(root('metadata', 'name'), job.metadata.name ?? '', `will not able to create pod with invalid DNS label: ${hostname}`);
    }
  }
  return errs;
}

/** Scheduling directives may change while a Job is suspended and has never started. */
function mutableSchedulingView(template: PodTemplateSpec | undefined, old: PodTemplateSpec | undefined): PodTemplateSpec | undefined {
  const view = structuredClone(old ?? {});
  const spec = (view.spec ??= {}) as Record<string, unknown>;
  const newSpec = (template?.spec ?? {}) as Record<string, unknown>;
  const newAffinity = newSpec.affinity as Record<string, unknown> | undefined;
  const oldAffinity = spec.affinity as Record<string, unknown> | undefined;
  if (!newAffinity && oldAffinity) {
    delete oldAffinity.nodeAffinity;
    if (Object.keys(oldAffinity).length === 0) delete spec.affinity;
  } else if (newAffinity && !oldAffinity) {
    spec.affinity = newAffinity.nodeAffinity === undefined ? {} : { nodeAffinity: newAffinity.nodeAffinity };
  } else if (newAffinity && oldAffinity) {
    oldAffinity.nodeAffinity = newAffinity.nodeAffinity;
  }
  spec.nodeSelector = newSpec.nodeSelector;
  spec.tolerations = newSpec.tolerations;
  spec.schedulingGates = newSpec.schedulingGates;
  view.metadata = { ...(view.metadata ?? {}), annotations: template?.metadata?.annotations, labels: template?.metadata?.labels };
  return view;
}

export function validateJobUpdate(job: Job, old: Job): ErrorList {
  const oldLabels = old.spec?.template?.metadata?.labels ?? {};
  // Jobs created before the batch.kubernetes.io/ labels existed keep validating without them.
  const requirePrefixed = JOB_NAME_LABEL in oldLabels && CONTROLLER_UID_LABEL in oldLabels;
  const errs = validateJob(job, { requirePrefixedLabels: requirePrefixed });
  const spec = job.spec ?? {};
  const oldSpec = old.spec ?? {};
  const specPath = root('spec');
  const indexed = spec.completionMode === 'Indexed';
  if (!indexed) errs.add(validateImmutableField(spec.completions, oldSpec.completions, specPath.child('completions')));
  else if (!semanticEqual(spec.completions, oldSpec.completions) && spec.completions !== undefined && spec.completions !== spec.parallelism) {
    errs.invalid(specPath.child('completions'), spec.completions, 'can only be modified in tandem with spec.parallelism');
  }
  errs.add(validateImmutableField(spec.selector, oldSpec.selector, specPath.child('selector')));
  const suspendedNotStarted = oldSpec.suspend === true && !old.status?.startTime;
  const oldTemplate = suspendedNotStarted ? mutableSchedulingView(spec.template, oldSpec.template) : oldSpec.template;
  errs.add(validateImmutableField(spec.template, oldTemplate, specPath.child('template')));
  errs.add(validateImmutableField(spec.completionMode, oldSpec.completionMode, specPath.child('completionMode')));
  errs.add(validateImmutableField(spec.podFailurePolicy, oldSpec.podFailurePolicy, specPath.child('podFailurePolicy')));
  errs.add(validateImmutableField(spec.backoffLimitPerIndex, oldSpec.backoffLimitPerIndex, specPath.child('backoffLimitPerIndex')));
  errs.add(validateImmutableField(spec.managedBy, oldSpec.managedBy, specPath.child('managedBy')));
  errs.add(validateImmutableField(spec.successPolicy, oldSpec.successPolicy, specPath.child('successPolicy')));
  return errs;
}
