// CronJob validation (pkg/apis/batch/validation): schedule, timeZone, concurrencyPolicy and the
// jobTemplate, whose selector the controller generates.
import { ErrorList, type FieldPath, GoLiteral, root } from '../../../../apimachinery/field.js';
import { validateNonNegative } from '../../apps/workload.js';
import { validateJobSpecCore } from '../jobs/validation.js';
import { scheduleError } from './schedule.js';
import type { CronJob, CronJobSpec } from './strategy.js';

const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];
/** The controller appends "-<11 digits>" to the name for each Job, and Job names stop at 63. */
const MAX_CRONJOB_NAME_LENGTH = 52;
const TZ_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

/**
 * Whether Go's time.LoadLocation knows the zone. Go reads the IANA database by exact file name;
 * Intl knows the same names but ignores case, so names whose parts start in lower case (which no
 * IANA zone does, "localtime" aside) are refused here as Go would.
 */
export function isKnownTimeZone(tz: string): boolean {
  if (tz === '' || tz === 'UTC' || tz === 'Local') return true;
  if (tz.split('/').some((part) => /^[a-z]/.test(part))) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** validateTimeZone. */
export function validateTimeZone(timeZone: string | undefined, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  if (timeZone === undefined) return errs;
  if (timeZone.length === 0) return errs.invalid(path, timeZone, 'timeZone must be nil or non-empty string');
  for (const part of timeZone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !TZ_PART.test(part)) {
      return errs.invalid(path, timeZone, `unknown time zone ${timeZone}`);
    }
  }
  if (timeZone.toLowerCase() === 'local') {
    errs.invalid(path, timeZone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones');
  }
  if (!isKnownTimeZone(timeZone)) errs.invalid(path, timeZone, `unknown time zone ${timeZone}`);
  return errs;
}

function validateScheduleFormat(schedule: string, allowTZInSchedule: boolean, timeZone: string | undefined, path: FieldPath, errs: ErrorList): void {
  const msg = scheduleError(schedule, isKnownTimeZone);
  if (msg) errs.invalid(path, schedule, msg);
  if (allowTZInSchedule && schedule.includes('TZ') && timeZone !== undefined) {
    errs.invalid(path, schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule');
  } else if (!allowTZInSchedule && schedule.includes('TZ')) {
    errs.invalid(path, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
  }
}

function validateCronJobSpec(spec: CronJobSpec | undefined, oldSpec: CronJobSpec | undefined, path: FieldPath): ErrorList {
  const errs = new ErrorList();
  const s = spec ?? {};
  if (!s.schedule) errs.required(path.child('schedule'));
  else validateScheduleFormat(s.schedule, (oldSpec?.schedule ?? '').includes('TZ'), s.timeZone, path.child('schedule'), errs);
  validateNonNegative(s.startingDeadlineSeconds, path.child('startingDeadlineSeconds'), errs);
  if (!oldSpec || oldSpec.timeZone !== s.timeZone) errs.add(validateTimeZone(s.timeZone, path.child('timeZone')));
  const policy = s.concurrencyPolicy ?? '';
  if (policy === '') errs.required(path.child('concurrencyPolicy'));
  else if (!CONCURRENCY_POLICIES.includes(policy)) errs.notSupported(path.child('concurrencyPolicy'), policy, CONCURRENCY_POLICIES);
  const templatePath = path.child('jobTemplate');
  const jobSpec = s.jobTemplate?.spec ?? {};
  errs.add(validateJobSpecCore(jobSpec, templatePath.child('spec')));
  if (jobSpec.selector) errs.invalid(templatePath.child('spec', 'selector'), jobSpec.selector, '`selector` will be auto-generated');
  if (jobSpec.manualSelector === true) errs.notSupported(templatePath.child('spec', 'manualSelector'), new GoLiteral('true'), ['nil', 'false']);
  validateNonNegative(s.successfulJobsHistoryLimit, path.child('successfulJobsHistoryLimit'), errs);
  validateNonNegative(s.failedJobsHistoryLimit, path.child('failedJobsHistoryLimit'), errs);
  return errs;
}

/** ValidateCronJobCreate. */
export function validateCronJob(cj: CronJob): ErrorList {
  const errs = validateCronJobSpec(cj.spec, undefined, root('spec'));
  const name = cj.metadata.name ?? '';
  if (name.length > MAX_CRONJOB_NAME_LENGTH) errs.invalid(root('metadata', 'name'), name, `must be no more than ${MAX_CRONJOB_NAME_LENGTH} characters`);
  return errs;
}

/** ValidateCronJobUpdate: old CronJobs may keep a TZ= schedule and a name over 52 characters. */
export const validateCronJobUpdate = (cj: CronJob, old: CronJob): ErrorList => validateCronJobSpec(cj.spec, old.spec ?? {}, root('spec'));
