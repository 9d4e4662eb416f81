import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../generic/resource.js';
import { cronjobs } from './storage.js';
import { type CronJob, cronJobStrategy } from './strategy.js';

const ctx: RequestContext = { user: { name: 'admin', groups: [] }, namespace: 'default', dryRun: false };

const newCronJob = (spec: Record<string, unknown> = {}, name = 'hello'): CronJob => ({
  apiVersion: 'batch/v1',
  kind: 'CronJob',
  metadata: { name, namespace: 'default', uid: 'u1', creationTimestamp: '2024-01-01T00:00:00Z' },
  spec: {
    schedule: '*/5 * * * *',
    jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'hello', image: 'busybox' }] } } } },
    ...spec,
  },
});

const created = (spec?: Record<string, unknown>, name?: string): CronJob => {
  const cj = newCronJob(spec, name);
  cronJobStrategy.prepareForCreate(cj, ctx);
  return cj;
};

const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

describe('cronjobs strategy', () => {
  it('applies batch/v1 defaults and leaves the job template spec alone', () => {
    const cj = created();
    assert.equal(cj.spec?.concurrencyPolicy, 'Allow');
    assert.equal(cj.spec?.suspend, false);
    assert.equal(cj.spec?.successfulJobsHistoryLimit, 3);
    assert.equal(cj.spec?.failedJobsHistoryLimit, 1);
    assert.equal(cj.spec?.jobTemplate?.spec?.backoffLimit, undefined);
    assert.equal((cj.spec?.jobTemplate?.spec?.template?.spec as { schedulerName?: string }).schedulerName, 'default-scheduler');
    assert.deepEqual(messages(cronJobStrategy.validate(cj, ctx)), []);
  });

  it('validates the schedule, time zone and concurrency policy', () => {
    const cj = created({ schedule: '61 * * * *', timeZone: 'Mars/Olympus', concurrencyPolicy: 'Sometimes' });
    assert.deepEqual(messages(cronJobStrategy.validate(cj, ctx)), [
      'spec.schedule: Invalid value: "61 * * * *": end of range (61) above maximum (59): 61',
      'spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus',
      'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
    ]);
  });

  it('accepts @hourly and an IANA time zone, refuses Local and TZ= in the schedule', () => {
    assert.deepEqual(messages(cronJobStrategy.validate(created({ schedule: '@hourly', timeZone: 'America/New_York' }), ctx)), []);
    assert.deepEqual(messages(cronJobStrategy.validate(created({ timeZone: 'Local' }), ctx)), [
      'spec.timeZone: Invalid value: "Local": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones',
    ]);
    assert.deepEqual(messages(cronJobStrategy.validate(created({ schedule: 'TZ=UTC 0 * * * *' }), ctx)), [
      'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead',
    ]);
  });

  it('refuses a job template selector and names over 52 characters', () => {
    const cj = created({}, 'x'.repeat(53));
    cj.spec!.jobTemplate!.spec!.selector = { matchLabels: { a: 'b' } };
    assert.deepEqual(messages(cronJobStrategy.validate(cj, ctx)), [
      'spec.jobTemplate.spec.selector: Invalid value: {"matchLabels":{"a":"b"}}: `selector` will be auto-generated',
      `metadata.name: Invalid value: "${'x'.repeat(53)}": must be no more than 52 characters`,
    ]);
  });

  it('checks the job template restart policy', () => {
    const cj = newCronJob();
    (cj.spec!.jobTemplate!.spec!.template!.spec as Record<string, unknown>).restartPolicy = 'Always';
    cronJobStrategy.prepareForCreate(cj, ctx);
    assert.deepEqual(messages(cronJobStrategy.validate(cj, ctx)), [
      'spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"',
    ]);
  });

  it('bumps the generation on spec changes only', () => {
    const old = created();
    const next = structuredClone(old);
    next.spec!.suspend = true;
    cronJobStrategy.prepareForUpdate(next, old, ctx);
    assert.equal(next.metadata.generation, 2);
    assert.deepEqual(messages(cronJobStrategy.validateUpdate(next, old, ctx)), []);
  });
});

describe('cronjobs table', () => {
  it('prints schedule, time zone, suspend, active and last schedule', () => {
    const cj = created({ timeZone: 'Etc/UTC' });
    cj.status = { active: [{ name: 'hello-1' }], lastScheduleTime: '2024-01-01T00:05:00Z' };
    const now = Date.parse('2024-01-01T00:06:00Z');
    assert.deepEqual(cronjobs.table!.columns.map((c) => c.name), ['Schedule', 'Timezone', 'Suspend', 'Active', 'Last Schedule', 'Age', 'Containers', 'Images', 'Selector']);
    assert.deepEqual(cronjobs.table!.cells(cj, now), ['*/5 * * * *', 'Etc/UTC', 'False', 1, '60s', '6m', 'hello', 'busybox', '<none>']);
    const plain = created();
    assert.deepEqual(cronjobs.table!.cells(plain, now).slice(1, 5), ['<none>', 'False', 0, '<none>']);
  });
});
