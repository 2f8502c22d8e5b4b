import { UserId } from '../../domain/user-id.js';
import type { RecentFeedWrites } from '../feed/recent-feed-writes.js';
import type { EventHandler } from '../handler-types.js';
import type { FeedStream } from '../ports/feed-stream.js';

export interface FeedChangeDeps {
  readonly feedStream: FeedStream;
  readonly recentFeedWrites: RecentFeedWrites;
}

/**
 * After a change of a user's feed committed: this instance reads their feed from the primary for a
 * while (their next GET sees the change), and their open connections are told the new counts, read
 * after the commit (so two changes committed together both show). Both may be lost: the feed in
 * PostgreSQL is the record, and a client that missed a message reads it again.
 */
export function tellFeedChanged({ feedStream, recentFeedWrites }: FeedChangeDeps): EventHandler<'FeedChanged'> {
  return {
    name: 'tellFeedChanged',
    handle: async ({ userId }, uow) => {
      recentFeedWrites.wrote(userId);
      if (!feedStream.reaches(userId)) return;
      const counts = await uow.feedItems.counts(UserId.of(userId));
      await feedStream.publish({ kind: 'counts', userId, counts });
    },
  };
}
