import { formatLabelSelector } from '../../../../apimachinery/labels.js';
import { translateTimestampSince } from '../../../../apimachinery/duration.js';
import { age } from '../../../handlers/table.js';
import { defineResource } from '../../generic/resource.js';
import { containerImages } from '../../apps/workload.js';
import { type CronJob, cronJobStatusStrategy, cronJobStrategy } from './strategy.js';

/** printBoolPtr: "True", "False" or "<unset>". */
const boolCell = (v: boolean | undefined): string => (v === undefined ? '<unset>' : v ? 'True' : 'False');

export const cronjobs = defineResource<CronJob>({
  group: 'batch',
  version: 'v1',
  kind: 'CronJob',
  resource: 'cronjobs',
  singular: 'cronjob',
  shortNames: ['cj'],
  categories: ['all'],
  namespaced: true,
  strategy: cronJobStrategy,
  statusStrategy: cronJobStatusStrategy,
  table: {
    columns: [
      { name: 'Schedule', type: 'string', description: 'The schedule in Cron format, see https://en.wikipedia.org/wiki/Cron.' },
      { name: 'Timezone', type: 'string', description: 'The time zone name for the given schedule, see https://en.wikipedia.org/wiki/List_of_tz_database_time_zones.' },
      { name: 'Suspend', type: 'boolean', description: 'This flag tells the controller to suspend subsequent executions, it does not apply to already started executions.' },
      { name: 'Active', type: 'integer', description: 'A list of pointers to currently running jobs.' },
      { name: 'Last Schedule', type: 'string', description: 'Information when was the last time the job was successfully scheduled.' },
      { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' },
      { name: 'Containers', type: 'string', priority: 1, description: 'Names of each container in the template.' },
      { name: 'Images', type: 'string', priority: 1, description: 'Images referenced by each container in the template.' },
      { name: 'Selector', type: 'string', priority: 1, description: 'A label query over pods that should match the pod count.' },
    ],
    cells: (cj, now) => {
      const jobSpec = cj.spec?.jobTemplate?.spec;
      const { names, images } = containerImages(jobSpec?.template);
      const last = cj.status?.lastScheduleTime ? translateTimestampSince(cj.status.lastScheduleTime, now) : '<none>';
      return [
        cj.spec?.schedule ?? '',
        cj.spec?.timeZone ?? '<none>',
        boolCell(cj.spec?.suspend),
        (cj.status?.active ?? []).length,
        last,
        age(cj, now),
        names,
        images,
        formatLabelSelector(jobSpec?.selector),
      ];
    },
  },
});
