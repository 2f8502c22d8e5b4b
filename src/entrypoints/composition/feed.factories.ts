import { RecentFeedWrites } from '../../application/feed/recent-feed-writes.js';
import { FeedQuery } from '../../application/queries/feed.query.js';
import { KyselyFeedReadModel } from '../../adapters/in-app/feed-read-model.js';
import { UnrelayedFeedStream } from '../../adapters/in-app/unrelayed-feed-stream.js';
import type { Factories } from './factory-types.js';

type FeedServices = 'feedStream' | 'recentFeedWrites' | 'feedReadModel' | 'feedQuery';

/** The in-app feed's API (ADR 21): its read side, and where its changes are told. */
export const feedFactories: Pick<Factories, FeedServices> = {
  // The one binding of the FeedStream port. The broker relay to the WebSocket connections (/ws)
  // replaces this stand-in, which only logs.
  feedStream: (get) => new UnrelayedFeedStream(get('logger')),
  // Long enough for the standby to have replayed a change: the router serves nothing from a standby
  // further behind than its bound, and reads that bound again every check interval.
  recentFeedWrites: (get) => {
    const { standbyMaxLagSeconds, standbyCheckIntervalMs } = get('config').database;
    return new RecentFeedWrites(get('clock'), standbyMaxLagSeconds * 1_000 + standbyCheckIntervalMs);
  },
  feedReadModel: (get) => new KyselyFeedReadModel(get('readRouter')),
  feedQuery: (get) => new FeedQuery(get('feedReadModel'), get('recentFeedWrites')),
};
