import { AnalyticsQuery } from '../../application/queries/analytics.query.js';
import { KyselyAnalyticsReadModel } from '../../adapters/postgres/analytics-read-model.js';
import type { Factories } from './factory-types.js';

type Analytics = 'analyticsReadModel' | 'analyticsQuery';

/** Delivery analytics from the per-minute aggregates (ADR 25): the writes are the unit of work's. */
export const analyticsFactories: Pick<Factories, Analytics> = {
  analyticsReadModel: (get) => new KyselyAnalyticsReadModel(get('readRouter')),
  analyticsQuery: (get) => new AnalyticsQuery(get('analyticsReadModel'), get('clock')),
};
