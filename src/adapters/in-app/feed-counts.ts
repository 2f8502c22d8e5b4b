import { type Kysely, sql } from 'kysely';
import type { FeedCounts } from '../../application/ports/feed-stream.js';
import type { Database } from '../postgres/database.js';

/** A user's unread and unseen items (archived ones left out): one scan of that user's items. */
export async function feedCounts(db: Kysely<Database>, userId: string): Promise<FeedCounts> {
  const row = await db
    .selectFrom('feed_items')
    .select([sql<number>`count(*) filter (where read_at is null)::int`.as('unread'), sql<number>`count(*) filter (where seen_at is null)::int`.as('unseen')])
    .where('user_id', '=', userId)
    .where('archived_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { unread: row.unread, unseen: row.unseen };
}
