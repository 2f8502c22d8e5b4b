import type { Selectable } from 'kysely';
import type { FeedItemSnapshot } from '../../domain/feed-item.js';
import type { FeedItemsTable } from '../postgres/database.js';

export type FeedItemRow = Selectable<FeedItemsTable>;

/** Every column of an item; the feed shows all of them but its owner. */
export const FEED_ITEM_COLUMNS = ['notification_id', 'user_id', 'type', 'title', 'body', 'action_url', 'data', 'created_at', 'seen_at', 'read_at', 'archived_at'] as const;

export function feedItemOf(row: FeedItemRow): FeedItemSnapshot {
  return {
    id: row.notification_id,
    userId: row.user_id,
    type: row.type,
    title: row.title,
    body: row.body,
    actionUrl: row.action_url,
    data: row.data,
    createdAt: row.created_at,
    seenAt: row.seen_at,
    readAt: row.read_at,
    archivedAt: row.archived_at,
  };
}
