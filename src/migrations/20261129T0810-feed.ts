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
 *   the unarchived ones; it also serves "mark all seen";
 * - feed_items_archived: the archived items, newest first, for their page: being few, the planner
 *   would otherwise read the whole table for them rather than walk a user's items.
 * - feed_items_current: the items not archived, newest first: the default page and the `read` page
 *   walk it, so a user who archived thousands of items does not read past them for every page.
 * Each of these
 * indexes holds only the items in its state, so it stays small, and its cost follows what is left
 * to read (or was archived), not the size of the feed.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table feed_items alter column created_at type timestamptz(3)`.execute(db);
  await sql`create index feed_items_unread on feed_items (user_id, created_at desc, notification_id desc) where read_at is null and archived_at is null`.execute(db);
  await sql`create index feed_items_unseen on feed_items (user_id) include (archived_at) where seen_at is null`.execute(db);
  await sql`create index feed_items_archived on feed_items (user_id, created_at desc, notification_id desc) where archived_at is not null`.execute(db);
  await sql`create index feed_items_current on feed_items (user_id, created_at desc, notification_id desc) where archived_at is null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index feed_items_current`.execute(db);
  await sql`drop index feed_items_archived`.execute(db);
  await sql`drop index feed_items_unseen`.execute(db);
  await sql`drop index feed_items_unread`.execute(db);
  await sql`alter table feed_items alter column created_at type timestamptz`.execute(db);
}
