// core/v1 Events: written by every component (created, or PUT-created, then count bumps);
// validation is Kubernetes' legacy one: the involved object's namespace must match.
import { ErrorList, root } from '../../../../apimachinery/field.js';
import type { KubeObject } from '../../../../apimachinery/meta.js';
import { isDNS1123Subdomain, isQualifiedName } from '../../../../apimachinery/names.js';
import { plainStrategy } from '../../generic/strategies.js';
import type { EventSeries, EventSource, ObjectReference } from 'kubernetes-types/core/v1.js';

export interface Event extends KubeObject {
  involvedObject?: ObjectReference;
  reason?: string;
  message?: string;
  source?: EventSource;
  firstTimestamp?: string;
  lastTimestamp?: string;
  count?: number;
  type?: string;
  eventTime?: string;
  series?: EventSeries;
  action?: string;
  related?: ObjectReference;
  reportingComponent?: string;
  reportingInstance?: string;
}

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

export function validateEvent(ev: Event): ErrorList {
  const errs = new ErrorList();
  const namespace = ev.metadata.namespace ?? '';
  const involvedNs = ev.involvedObject?.namespace ?? '';
  const nsPath = root('involvedObject', 'namespace');
  if (!ev.eventTime) {
    // Old-style events: the event lives in its object's namespace ("default" for cluster objects).
    if (!involvedNs) {
      if (namespace !== '' && namespace !== 'default') errs.invalid(nsPath, involvedNs, 'does not match event.namespace');
    } else if (namespace !== involvedNs) {
      errs.invalid(nsPath, involvedNs, 'does not match event.namespace');
    }
  } else {
    if (!involvedNs && namespace !== 'default' && namespace !== 'kube-system') errs.invalid(nsPath, involvedNs, 'does not match event.namespace');
    const controller = ev.reportingComponent ?? '';
    if (!controller) errs.required(root('reportingComponent'));
    for (const msg of isQualifiedName(controller)) errs.invalid(root('reportingComponent'), controller, msg);
    if (!ev.reportingInstance) errs.required(root('reportingInstance'));
    if ((ev.reportingInstance ?? '').length > REPORTING_INSTANCE_LIMIT) errs.invalid(root('reportingInstance'), '', `can have at most ${REPORTING_INSTANCE_LIMIT} characters`);
    if (!ev.action) errs.required(root('action'));
    if ((ev.action ?? '').length > ACTION_LIMIT) errs.invalid(root('action'), '', `can have at most ${ACTION_LIMIT} characters`);
    if (!ev.reason) errs.required(root('reason'));
    if ((ev.reason ?? '').length > REASON_LIMIT) errs.invalid(root('reason'), '', `can have at most ${REASON_LIMIT} characters`);
    if ((ev.message ?? '').length > NOTE_LIMIT) errs.invalid(root('message'), '', `can have at most ${NOTE_LIMIT} characters`);
  }
  for (const msg of isDNS1123Subdomain(namespace)) errs.invalid(root('namespace'), namespace, msg);
  return errs;
}

export const eventStrategy = plainStrategy<Event>({
  validate: validateEvent,
  allowCreateOnUpdate: true,
});
