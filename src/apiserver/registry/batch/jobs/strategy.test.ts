import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../../generic/resource.js';
import { jobs, jobCompletions, jobDuration, jobStatus } from './storage.js';
import { type Job, jobStatusStrategy, jobStrategy } from './strategy.js';

const ctx: RequestContext = { user: { name: 'admin', groups: [] }, namespace: 'default', dryRun: false };

const newJob = (spec: Record<string, unknown> = {}): Job => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'pi', namespace: 'default', uid: 'uid-1' },
  spec: {
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl:5.34' }] } },
    ...spec,
  },
});

const created = (spec?: Record<string, unknown>): Job => {
  const job = newJob(spec);
  jobStrategy.prepareForCreate(job, ctx);
  return job;
};

const messages = (errs: Iterable<{ message: string }>): string[] => [...errs].map((e) => e.message);

describe('jobs strategy', () => {
  it('applies batch/v1 defaults', () => {
    const job = created();
    assert.equal(job.spec?.completions, 1);
    assert.equal(job.spec?.parallelism, 1);
    assert.equal(job.spec?.backoffLimit, 6);
    assert.equal(job.spec?.completionMode, 'NonIndexed');
    assert.equal(job.spec?.suspend, false);
    assert.equal(job.spec?.manualSelector, false);
    assert.equal(job.spec?.podReplacementPolicy, 'TerminatingOrFailed');
    assert.equal(job.metadata.generation, 1);
    assert.equal((job.spec?.template?.spec as { dnsPolicy?: string }).dnsPolicy, 'ClusterFirst');
  });

  it('leaves completions unset for a work queue (parallelism only)', () => {
    const job = created({ parallelism: 3 });
    assert.equal(job.spec?.completions, undefined);
    assert.equal(jobCompletions(job), '0/1 of 3');
  });

  it('generates the selector and pod labels from the uid and name', () => {
    const job = created();
    assert.deepEqual(job.spec?.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': 'uid-1' } });
    assert.deepEqual(job.spec?.template?.metadata?.labels, {
      'job-name': 'pi',
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': 'uid-1',
      'batch.kubernetes.io/controller-uid': 'uid-1',
    });
    // As read back from storage: the Job takes its template's labels.
    assert.equal(job.metadata.labels?.['batch.kubernetes.io/job-name'], 'pi');
    assert.deepEqual(messages(jobStrategy.validate(job, ctx)), []);
  });

  it('requires restartPolicy OnFailure or Never', () => {
    const job = created({ template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } } });
    assert.deepEqual(messages(jobStrategy.validate(job, ctx)), ['spec.template.spec.restartPolicy: Required value: valid values: "OnFailure", "Never"']);
  });

  it('rejects a manual selector that does not match the template', () => {
    const job = created({ manualSelector: true, selector: { matchLabels: { app: 'x' } } });
    job.spec!.template!.metadata = { labels: { app: 'y' } };
    assert.deepEqual(messages(jobStrategy.validate(job, ctx)), [
      'spec.template.metadata.labels: Invalid value: {"app":"y"}: `selector` does not match template `labels`',
    ]);
  });

  it('rejects a generated label the user overrode', () => {
    const job = newJob();
    job.spec!.template!.metadata = { labels: { 'controller-uid': 'other' } };
    jobStrategy.prepareForCreate(job, ctx);
    assert.deepEqual(messages(jobStrategy.validate(job, ctx)), [
      'spec.template.metadata.labels[controller-uid]: Invalid value: {"controller-uid":"other","job-name":"pi","batch.kubernetes.io/job-name":"pi","batch.kubernetes.io/controller-uid":"uid-1"}: must be \'uid-1\'',
    ]);
  });

  it('checks negative counts and Indexed mode', () => {
    const job = created({ backoffLimit: -1, completionMode: 'Indexed', completions: undefined, parallelism: 2 });
    assert.deepEqual(messages(jobStrategy.validate(job, ctx)), [
      'spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0',
      'spec.completions: Required value: when completion mode is Indexed',
    ]);
  });

  it('keeps spec.template immutable but lets a suspended, unstarted Job change scheduling', () => {
    const old = created({ suspend: true });
    const changedImage = structuredClone(old);
    (changedImage.spec!.template!.spec as { containers: { image: string }[] }).containers[0]!.image = 'perl:5.36';
    jobStrategy.prepareForUpdate(changedImage, old, ctx);
    const errs = messages(jobStrategy.validateUpdate(changedImage, old, ctx));
    assert.equal(errs.length, 1);
    assert.match(errs[0]!, /^spec\.template: Invalid value: .*: field is immutable$/);

    const moved = structuredClone(old);
    (moved.spec!.template!.spec as Record<string, unknown>).nodeSelector = { disk: 'ssd' };
    jobStrategy.prepareForUpdate(moved, old, ctx);
    assert.deepEqual(messages(jobStrategy.validateUpdate(moved, old, ctx)), []);

    const running = { ...structuredClone(old), status: { startTime: '2024-01-01T00:00:00Z' } };
    const movedLate = structuredClone(moved);
    jobStrategy.prepareForUpdate(movedLate, running, ctx);
    assert.equal(messages(jobStrategy.validateUpdate(movedLate, running, ctx)).length, 1);
  });

  it('keeps completions and the selector immutable', () => {
    const old = created();
    const next = structuredClone(old);
    next.spec!.completions = 5;
    jobStrategy.prepareForUpdate(next, old, ctx);
    assert.deepEqual(messages(jobStrategy.validateUpdate(next, old, ctx)), ['spec.completions: Invalid value: 5: field is immutable']);
    assert.equal(next.metadata.generation, 2);
  });

  it('rejects status updates that go backwards', () => {
    const old = created();
    old.status = { failed: 2, conditions: [{ type: 'Failed', status: 'True' }], startTime: '2024-01-01T00:00:00Z' };
    const next = structuredClone(old);
    next.status = { failed: 1, startTime: '2024-01-01T00:00:00Z' };
    jobStatusStrategy.prepareForUpdate(next, old, ctx);
    assert.deepEqual(messages(jobStatusStrategy.validateUpdate(next, old, ctx)), [
      'status.conditions: Invalid value: cannot disable the terminal Failed=True condition',
      'status.failed: Invalid value: 1: cannot decrease the failed counter',
    ]);
  });

  it('warns about names that are not DNS labels', () => {
    const job = newJob();
    job.metadata.name = 'pi.v2';
    assert.deepEqual(jobStrategy.warnings?.(job, undefined), [
      'metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]',
    ]);
  });
});

describe('jobs table', () => {
  const now = Date.parse('2024-01-01T00:10:00Z');
  it('prints status, completions and duration like kubectl', () => {
    const job = created({ completions: 3 });
    job.metadata.creationTimestamp = '2024-01-01T00:00:00Z';
    job.status = { succeeded: 3, startTime: '2024-01-01T00:00:00Z', completionTime: '2024-01-01T00:00:45Z', conditions: [{ type: 'Complete', status: 'True' }] };
    assert.equal(jobStatus(job), 'Complete');
    assert.equal(jobCompletions(job), '3/3');
    assert.equal(jobDuration(job, now), '45s');
    const cells = jobs.table!.cells(job, now);
    assert.deepEqual(cells, ['Complete', '3/3', '45s', '10m', 'pi', 'perl:5.34', 'batch.kubernetes.io/controller-uid=uid-1']);
    assert.deepEqual(jobs.table!.columns.map((c) => c.name), ['Status', 'Completions', 'Duration', 'Age', 'Containers', 'Images', 'Selector']);
  });

  it('shows Running and a live duration before completion', () => {
    const job = created();
    job.status = { startTime: '2024-01-01T00:07:00Z' };
    assert.equal(jobStatus(job), 'Running');
    assert.equal(jobDuration(job, now), '3m');
    job.metadata.deletionTimestamp = '2024-01-01T00:09:00Z';
    assert.equal(jobStatus(job), 'Terminating');
  });
});
