import { RecentFeedWrites } from '../../application/feed/recent-feed-writes.js';
import { FeedQuery } from '../../application/queries/feed.query.js';
import { KyselyFeedReadModel } from '../../adapters/in-app/feed-read-model.js';
import type { Factories } from './factory-types.js';

type FeedServices = 'recentFeedWrites' | 'feedReadModel' | 'feedQuery';

/** The in-app feed's API (ADR 21): its read side. Its changes are told through feedStream (realtime.factories.ts, ADR 19). */
export const feedFactories: Pick<Factories, FeedServices> = {
  // Long enough for the standby to have replayed a change: the router serves nothing from a standby
  // further behind than its bound, and reads that bound again every check interval.
  recentFeedWrites: (get) => {
    const { standbyMaxLagSeconds, standbyCheckIntervalMs } = get('config').database;
    return new RecentFeedWrites(get('clock'), standbyMaxLagSeconds * 1_000 + standbyCheckIntervalMs);
  },
  feedReadModel: (get) => new KyselyFeedReadModel(get('readRouter')),
  feedQuery: (get) => new FeedQuery(get('feedReadModel'), get('recentFeedWrites')),
};
