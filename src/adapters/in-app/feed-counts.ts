import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { FeedCounts } from '../../application/ports/feed-stream.js';
import type { Database } from '../postgres/database.js';

/** The user's unarchived items with `unset` null, counted from its partial index alone (migration 20261129T0810-feed). */
function countWithout(eb: ExpressionBuilder<Database, never>, userId: string, unset: 'read_at' | 'seen_at') {
  return eb
    .selectFrom('feed_items')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('user_id', '=', userId)
    .where(unset, 'is', null)
    .where('archived_at', 'is', null);
}

/** The counts' query, as feedCounts runs it (its plan is checked in tests/integration/postgres/feed-plans.test.ts). */
export function feedCountsQuery(db: Kysely<Database>, userId: string) {
  return db.selectNoFrom((eb) => [countWithout(eb, userId, 'read_at').as('unread'), countWithout(eb, userId, 'seen_at').as('unseen')]);
}

/**
 * A user's unread and unseen items (archived ones left out). Each is an index-only scan of a partial
 * index holding only such items, so the cost follows what is left to read, not the feed's size.
 */
export async function feedCounts(db: Kysely<Database>, userId: string): Promise<FeedCounts> {
  const row = await feedCountsQuery(db, userId).executeTakeFirstOrThrow();
  return { unread: row.unread ?? 0, unseen: row.unseen ?? 0 };
}
