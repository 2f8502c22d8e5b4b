import { InvalidValueError } from '../../domain/errors.js';
import { UserId } from '../../domain/user-id.js';
import type { RecentFeedWrites } from '../feed/recent-feed-writes.js';
import type { FeedFilter, FeedPage, FeedReadModel } from '../ports/feed-items.js';

export const FEED_DEFAULT_LIMIT = 20;
export const FEED_MAX_LIMIT = 100;

/**
 * A user's in-app feed, newest first, with their counts; an unknown user simply has an empty feed.
 * Served by the standby, except for a user whose feed this instance changed lately: their next read
 * sees the change (ADR 21).
 */
export class FeedQuery {
  constructor(
    private readonly readModel: FeedReadModel,
    private readonly recentWrites: RecentFeedWrites,
  ) {}

  async ofUser(rawUserId: string, status: FeedFilter = null, limit = FEED_DEFAULT_LIMIT, cursor: string | null = null): Promise<FeedPage> {
    const userId = UserId.of(rawUserId).value;
    if (!Number.isInteger(limit) || limit < 1 || limit > FEED_MAX_LIMIT) throw new InvalidValueError('limit', `must be an integer from 1 to ${FEED_MAX_LIMIT}`);
    const freshness = this.recentWrites.wroteLately(userId) ? 'latest' : 'may_lag';
    return this.readModel.page({ userId, status, limit, cursor }, freshness);
  }
}
