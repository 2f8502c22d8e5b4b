import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import { type FeedFilter, type FeedPage, type FeedPageRequest, type FeedReadModel, type ReadFreshness, feedItemView } from '../../application/ports/feed-items.js';
import type { Database } from '../postgres/database.js';
import { type KeysetCursor, decodeCursor, encodeCursor } from '../postgres/keyset-cursor.js';
import type { ReadRouter } from '../postgres/read-router.js';
import { feedCounts } from './feed-counts.js';
import { FEED_ITEM_COLUMNS, type FeedItemRow, feedItemOf } from './feed-item-rows.js';

type FeedQuery = SelectQueryBuilder<Database, 'feed_items', FeedItemRow>;

/** Each filter in the terms of the partial index that serves it, where one does (unread, archived). */
function filtered(query: FeedQuery, status: FeedFilter): FeedQuery {
  switch (status) {
    case null:
      return query.where('archived_at', 'is', null);
    case 'unread':
      return query.where('read_at', 'is', null).where('archived_at', 'is', null);
    case 'read':
      return query.where('read_at', 'is not', null).where('archived_at', 'is', null);
    case 'archived':
      return query.where('archived_at', 'is not', null);
  }
}

/** One page's query (and one row more, to tell whether another page follows), newest first after `after`. */
export function feedPageQuery(db: Kysely<Database>, { userId, status, limit }: Omit<FeedPageRequest, 'cursor'>, after: KeysetCursor | null): FeedQuery {
  let query = filtered(db.selectFrom('feed_items').select(FEED_ITEM_COLUMNS).where('user_id', '=', userId), status);
  if (after) query = query.where(sql<boolean>`(created_at, notification_id) < (${after.createdAt}, ${after.id}::uuid)`);
  return query.orderBy('created_at', 'desc').orderBy('notification_id', 'desc').limit(limit + 1);
}

export class KyselyFeedReadModel implements FeedReadModel {
  constructor(private readonly router: ReadRouter) {}

  async page(request: FeedPageRequest, freshness: ReadFreshness): Promise<FeedPage> {
    const { limit } = request;
    const after = request.cursor === null ? null : decodeCursor(request.cursor);
    const read = async (db: Kysely<Database>): Promise<FeedPage> => {
      const [rows, counts] = await Promise.all([feedPageQuery(db, request, after).execute(), feedCounts(db, request.userId)]);
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const nextCursor = rows.length > limit && last ? encodeCursor({ createdAt: last.created_at, id: last.notification_id }) : null;
      return { items: page.map((row) => feedItemView(feedItemOf(row))), nextCursor, counts };
    };
    return freshness === 'latest' ? this.router.latest(read) : this.router.read(read);
  }
}
