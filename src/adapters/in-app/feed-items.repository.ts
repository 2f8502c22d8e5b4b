import type { Kysely } from 'kysely';
import type { FeedItems } from '../../application/ports/feed-items.js';
import type { AggregateTracker } from '../../application/ports/unit-of-work.js';
import { Feed } from '../../domain/feed.js';
import { FeedItem } from '../../domain/feed-item.js';
import type { UserId } from '../../domain/user-id.js';
import type { Database } from '../postgres/database.js';
import { isUuid } from '../postgres/uuid.js';
import { feedCounts } from './feed-counts.js';
import { FEED_ITEM_COLUMNS, feedItemOf } from './feed-item-rows.js';

/** The write side of the feed, on a unit of work's transaction. */
export class KyselyFeedItems implements FeedItems {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly tracker: AggregateTracker,
  ) {}

  async get(userId: UserId, itemId: string): Promise<FeedItem | null> {
    if (!isUuid(itemId)) return null;
    const row = await this.db
      .selectFrom('feed_items')
      .select(FEED_ITEM_COLUMNS)
      .where('notification_id', '=', itemId)
      .where('user_id', '=', userId.value)
      .forUpdate()
      .executeTakeFirst();
    return this.tracker.seen(row ? FeedItem.restore(feedItemOf(row)) : null);
  }

  async save(item: FeedItem): Promise<void> {
    const { id, seenAt, readAt, archivedAt } = item.snapshot();
    await this.db.updateTable('feed_items').set({ seen_at: seenAt, read_at: readAt, archived_at: archivedAt }).where('notification_id', '=', id).execute();
  }

  feed(userId: UserId): Feed {
    return this.tracker.seen(new Feed(userId));
  }

  async readAll(feed: Feed, at: Date): Promise<number> {
    const result = await this.db
      .updateTable('feed_items')
      .set((eb) => ({ read_at: at, seen_at: eb.fn.coalesce('seen_at', eb.val(at)) }))
      .where('user_id', '=', feed.userId.value)
      .where('read_at', 'is', null)
      .where('archived_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async markAllSeen(feed: Feed, at: Date): Promise<number> {
    const result = await this.db.updateTable('feed_items').set({ seen_at: at }).where('user_id', '=', feed.userId.value).where('seen_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  counts(userId: UserId) {
    return feedCounts(this.db, userId.value);
  }
}
