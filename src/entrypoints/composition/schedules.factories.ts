import { SchedulesQuery } from '../../application/queries/schedules.query.js';
import { FireDueSchedules } from '../../application/scheduling/fire-due-schedules.js';
import { RequestingScheduledSender } from '../../application/scheduling/requesting-scheduled-sender.js';
import { ScheduleSends } from '../../application/scheduling/schedule-sends.js';
import { checkSendable } from '../../application/templates/release-for.js';
import { KyselyScheduleReadModel } from '../../adapters/postgres/schedule-read-model.js';
import { CronerScheduleCalendar } from '../../adapters/scheduling/croner-calendar.js';
import { variableProblems } from '../template-variables-schema.js';
import { ScheduleWorker } from '../workers/schedule-worker.js';
import type { Factories } from './factory-types.js';
import { wakeWorkers } from './core.factories.js';

/** Occurrences one tick fires at most before it looks again (each in a transaction of its own). */
const FIRED_PER_TICK = 200;
/**
 * Occurrences fired at once: one at a time fired 58 a second against 80 events a second through
 * the consumer in the same bench run (a transaction of eight round trips each).
 */
const FIRING_CONCURRENCY = 4;

type Schedules = 'scheduleCalendar' | 'scheduleSends' | 'schedulesQuery' | 'fireDueSchedules' | 'scheduleWorker';

export const scheduleFactories: Pick<Factories, Schedules> = {
  scheduleCalendar: () => new CronerScheduleCalendar(),
  scheduleSends: (get) => {
    const templates = get('templateCatalogue');
    const check = (send: Parameters<typeof checkSendable>[2]) => checkSendable(templates, variableProblems, send);
    return new ScheduleSends(get('unitOfWork'), get('scheduleCalendar'), get('clock'), get('ids'), check, () => get('scheduleWorker').poke());
  },
  schedulesQuery: (get) => new SchedulesQuery(new KyselyScheduleReadModel(get('readRouter'))),
  fireDueSchedules: (get) => {
    const deps = { clock: get('clock'), ids: get('ids'), templates: get('templateCatalogue'), checkVariables: variableProblems, configuredChannels: get('configuredChannels') };
    return new FireDueSchedules({
      // On the primary pool, as events are: firing creates notifications, like a flood of events,
      // and must not take the connections that deliver them.
      unitOfWork: get('unitOfWork'),
      calendar: get('scheduleCalendar'),
      sender: new RequestingScheduledSender(deps),
      clock: get('clock'),
      batchSize: FIRED_PER_TICK,
      concurrency: FIRING_CONCURRENCY,
      react: get('workerBus').react,
      afterCommit: wakeWorkers(get),
    });
  },
  scheduleWorker: (get) => new ScheduleWorker(get('fireDueSchedules'), get('logger')),
};
