import { type Kysely, sql } from 'kysely';

/**
 * Finding notifications (ADR 23):
 * - `order_id`: the order a notification is about, from its variables when it is requested;
 *   nullable without a default, so adding it rewrites no row (rows from before stay null). The
 *   length bound is checked on new rows only (NOT VALID): the old ones are all null.
 * - the indexes GET /notifications walks newest first (created_at desc, id desc after an equality
 *   prefix): by status (also the unfiltered list, as a merge of one walk per status), by channel
 *   and type (a filter on one of them is a merge of one walk per value of the other), by recipient
 *   (its first 200 characters),
 *   and by order (partial: only the rows that name one). A user's walk is notifications_user_history.
 * - the fallbacks of a notification (partial: only fallbacks are in it);
 * - the outbox rows naming a notification (partial expression index: only outcome events are in it).
 * Created in the migration's transaction: writes to the table wait while each is built (seconds
 * for a million rows; see the ADR).
 */
/** Also in src/adapters/postgres/notification-search.read-model.ts: the index's expression must match. */
const RECIPIENT_PREFIX = 200;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notifications add column order_id text`.execute(db);
  await sql`alter table notifications add constraint notifications_order_id_length check (char_length(order_id) between 1 and 128) not valid`.execute(db);
  await sql`create index notifications_by_status on notifications (status, created_at desc, id desc)`.execute(db);
  await sql`create index notifications_by_channel_type on notifications (channel, type, created_at desc, id desc)`.execute(db);
  // A recipient's first 200 characters: a push notification's recipient is up to ten device tokens
  // (40 KB), past what a btree entry may hold (an insert would fail); the query compares both.
  await sql`create index notifications_by_recipient on notifications (left(recipient, ${sql.lit(RECIPIENT_PREFIX)}), created_at desc, id desc)`.execute(db);
  await sql`create index notifications_by_order on notifications (order_id, created_at desc, id desc) where order_id is not null`.execute(db);
  await sql`create index notifications_fallbacks on notifications (fallback_of) where fallback_of is not null`.execute(db);
  await sql`create index outbox_notification on outbox ((payload ->> 'notification_id')) where (payload ->> 'notification_id') is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['outbox_notification', 'notifications_fallbacks', 'notifications_by_order', 'notifications_by_recipient', 'notifications_by_channel_type', 'notifications_by_status']) {
    await sql`drop index ${sql.ref(index)}`.execute(db);
  }
  await sql`alter table notifications drop column order_id`.execute(db);
}
