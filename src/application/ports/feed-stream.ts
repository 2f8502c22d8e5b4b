import type { FeedItemSnapshot } from '../../domain/feed-item.js';

/** A user's feed counts: items not read, and items not seen yet (both leave out archived items). */
export interface FeedCounts {
  readonly unread: number;
  readonly unseen: number;
}

/** One in-app item as the feed API and the stream show it: the item without its owner. */
export type FeedItemView = Omit<FeedItemSnapshot, 'userId'>;

/** What a user's open connections are told after a change of their feed committed. */
export type FeedStreamMessage =
  | { readonly kind: 'item'; readonly userId: string; readonly item: FeedItemView; readonly counts: FeedCounts }
  | { readonly kind: 'counts'; readonly userId: string; readonly counts: FeedCounts };

/**
 * Relays feed changes to the user's WebSocket connections on every instance (through the broker).
 * Called after the change committed; best effort: the feed in PostgreSQL is the record, a client
 * that missed a message reads the feed again. Never throws.
 */
export interface FeedStream {
  publish(message: FeedStreamMessage): Promise<void>;
  /**
   * Whether a message for this user could reach any stream: false only when it would go nowhere
   * (no way to the other instances right now, and no stream of the user here), so that the caller
   * can skip reading the counts it would carry.
   */
  reaches(userId: string): boolean;
}
