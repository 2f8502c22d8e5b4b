import type { Feed } from '../../domain/feed.js';
import type { FeedItem, FeedItemSnapshot, FeedItemStatus } from '../../domain/feed-item.js';
import type { UserId } from '../../domain/user-id.js';
import type { FeedCounts, FeedItemView } from './feed-stream.js';

/** A user's in-app feed inside a unit of work's transaction (the write side). */
export interface FeedItems {
  /** The user's item, locked for the rest of the transaction; null when none has the id, or it is another user's. */
  get(userId: UserId, itemId: string): Promise<FeedItem | null>;
  /** Stores when the item was seen, read and archived (its content never changes). */
  save(item: FeedItem): Promise<void>;
  /** The user's feed, for the changes that touch many items at once; its events are drained after commit. */
  feed(userId: UserId): Feed;
  /** Every unread, unarchived item read (and seen) at `at`, in one statement; answers how many changed. */
  readAll(feed: Feed, at: Date): Promise<number>;
  /** Every item not seen yet seen at `at`, in one statement; answers how many changed. */
  markAllSeen(feed: Feed, at: Date): Promise<number>;
  /** As this transaction sees them: after its own changes. */
  counts(userId: UserId): Promise<FeedCounts>;
}

/** What the API and the stream show of an item: everything but its owner. */
export function feedItemView(item: FeedItemSnapshot): FeedItemView {
  const { id, type, title, body, actionUrl, data, createdAt, seenAt, readAt, archivedAt } = item;
  return { id, type, title, body, actionUrl, data, createdAt, seenAt, readAt, archivedAt };
}

/** null: every item that is not archived (the feed as a user sees it). */
export type FeedFilter = FeedItemStatus | null;

export interface FeedPageRequest {
  readonly userId: string;
  readonly status: FeedFilter;
  readonly limit: number;
  /** A previous page's nextCursor; null for the first page. */
  readonly cursor: string | null;
}

export interface FeedPage {
  readonly items: readonly FeedItemView[];
  /** Opaque; null on the last page. */
  readonly nextCursor: string | null;
  /** The user's counts, whatever the filter. */
  readonly counts: FeedCounts;
}

/**
 * Where a read is served: `latest` sees every write committed before it (the primary); `may_lag`
 * may be served by the standby, behind by at most the read router's bound.
 */
export type ReadFreshness = 'latest' | 'may_lag';

/** Read side of the feed. */
export interface FeedReadModel {
  /**
   * Newest first (created_at, then id): a cursor page never skips nor repeats an item, however many
   * share a created_at. Throws InvalidValueError('cursor') for a cursor it did not issue.
   */
  page(request: FeedPageRequest, freshness: ReadFreshness): Promise<FeedPage>;
}
