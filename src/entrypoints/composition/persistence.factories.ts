import type { UnitOfWorkFactory } from '../../application/unit-of-work.js';
import { currentCorrelationId } from '../../adapters/observability/correlation.js';
import { KyselyDeliveryQueue } from '../../adapters/postgres/delivery-queue.js';
import { KyselyUnitOfWork } from '../../adapters/postgres/kysely-unit-of-work.js';
import { KyselyOutboxRelayStore } from '../../adapters/postgres/outbox-relay.store.js';
import { createDatabase } from '../../adapters/postgres/pool.js';
import { KyselyHistoryReadModel, KyselyPreferencesReadModel } from '../../adapters/postgres/read-models.js';
import { ReadRouter } from '../../adapters/postgres/read-router.js';
import { KyselyRetentionStore } from '../../adapters/postgres/retention.store.js';
import type { Services } from '../services.js';
import type { Factories, Resolve } from './factory-types.js';

/** Units of work on one pool, their outbox rows stamped with fresh ids, the time and the correlation id. */
export function unitsOfWorkOn(get: Resolve, db: Services['primaryDb']): UnitOfWorkFactory {
  const stamping = { ids: get('ids'), clock: get('clock'), correlationId: () => currentCorrelationId() ?? null };
  return () => new KyselyUnitOfWork(db, stamping);
}

/** The template catalogue's connections: its reads are few (cached) and short. */
const TEMPLATE_POOL_MAX = 2;

function database(get: Resolve, name: 'primary' | 'standby' | 'workers' | 'templates', url: string) {
  const { database: db } = get('config');
  const max = { primary: db.poolMax, standby: db.poolMax, workers: db.workerPoolMax, templates: TEMPLATE_POOL_MAX }[name];
  return createDatabase({
    url,
    name,
    max,
    connectionTimeoutMs: db.connectionTimeoutMs,
    statementTimeoutMs: db.statementTimeoutMs,
    queryTimeoutMs: db.queryTimeoutMs,
    onError: (error) => get('logger').warn({ err: error, pool: name }, 'idle database connection failed'),
  });
}

type Persistence = 'primaryDb' | 'workerDb' | 'templatesDb' | 'standbyDb' | 'readRouter' | 'unitOfWork' | 'preferencesReadModel' | 'historyReadModel' | 'deliveryQueue' | 'outboxStore' | 'retentionStore';

export const persistenceFactories: Pick<Factories, Persistence> = {
  primaryDb: (get) => database(get, 'primary', get('config').database.url),
  // Workers (delivery, outbox relay, retention) have their own connections to the primary, so a
  // flood of incoming events (each consumer handler holds a connection) cannot starve sending.
  workerDb: (get) => database(get, 'workers', get('config').database.url),
  // Requests look their template up while their transaction holds a primary connection: on the
  // same pool, a burst of them would wait for each other's connections until every one timed out.
  templatesDb: (get) => database(get, 'templates', get('config').database.url),
  standbyDb: (get) => {
    const url = get('config').database.standbyUrl;
    return url ? database(get, 'standby', url) : null;
  },
  readRouter: (get) => {
    const { standbyMaxLagSeconds, standbyCheckIntervalMs } = get('config').database;
    const settings = { maxLagSeconds: standbyMaxLagSeconds, checkIntervalMs: standbyCheckIntervalMs };
    return new ReadRouter(get('primaryDb'), get('standbyDb'), settings, get('metrics'));
  },
  unitOfWork: (get) => unitsOfWorkOn(get, get('primaryDb')),
  preferencesReadModel: (get) => new KyselyPreferencesReadModel(get('readRouter')),
  historyReadModel: (get) => new KyselyHistoryReadModel(get('readRouter')),
  deliveryQueue: (get) => new KyselyDeliveryQueue(get('workerDb')),
  outboxStore: (get) => new KyselyOutboxRelayStore(get('workerDb')),
  retentionStore: (get) => new KyselyRetentionStore(get('workerDb')),
};
