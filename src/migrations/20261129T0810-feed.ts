import { type Kysely, sql } from 'kysely';

/**
 * What the feed API needs of feed_items (ADR 21):
 * - created_at to the millisecond: the API and its cursors speak JavaScript dates, so a cursor names
 *   exactly the item it stopped at (with microseconds, a cursor cut to the millisecond would skip
 *   the items created later in that millisecond). Existing values are rounded; the table is
 *   rewritten once, under a lock, while it is young;
 * - feed_items_unread: the unread items only, newest first. It serves the `unread` page, the unread
 *   count (index-only) and "read all", whatever the number of read items beside them;
 * - feed_items_unseen: the items not seen yet, with archived_at for an index-only unseen count of
 *   the unarchived ones; it also serves "mark all seen".
 * The other pages (every unarchived item, read, archived) walk feed_items_by_user newest first.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table feed_items alter column created_at type timestamptz(3)`.execute(db);
  await sql`create index feed_items_unread on feed_items (user_id, created_at desc, notification_id desc) where read_at is null and archived_at is null`.execute(db);
  await sql`create index feed_items_unseen on feed_items (user_id) include (archived_at) where seen_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index feed_items_unseen`.execute(db);
  await sql`drop index feed_items_unread`.execute(db);
  await sql`alter table feed_items alter column created_at type timestamptz`.execute(db);
}
