import { type Kysely, sql } from 'kysely';
import { createIndexConcurrently, dropIndexConcurrently } from './concurrent-index.js';

/**
 * Issue 14's indexes on the large tables, built concurrently (reads and writes go on while each is
 * built; a build left invalid is built again when the migrations run again), and the outbox's body
 * check, added NOT VALID by 20261129T0920-dead-letters, validated without blocking writes.
 *
 * Finding notifications (ADR 23): the indexes GET /notifications walks newest first (created_at
 * desc, id desc after an equality prefix): by time alone (the unfiltered list, and a window of
 * dates), by status, by channel and type (a filter on one of them is a merge of one walk per value
 * of the other), by recipient (its first 200 characters), and by order (partial: only the rows that
 * name one). A user's walk is notifications_user_history. The fallbacks of a notification (partial),
 * and the outbox rows naming a notification (partial expression index: only outcome events).
 */
export const transactional = false;

/** Also in src/adapters/postgres/notification-search.read-model.ts: the index's expression must match. */
const RECIPIENT_PREFIX = 200;

const INDEXES = [
  ['notifications_by_created', sql`notifications (created_at desc, id desc)`],
  ['notifications_by_status', sql`notifications (status, created_at desc, id desc)`],
  ['notifications_by_channel_type', sql`notifications (channel, type, created_at desc, id desc)`],
  // A recipient's first 200 characters: a push notification's recipient is up to ten device tokens
  // (40 KB), past what a btree entry may hold (an insert would fail); the query compares both.
  ['notifications_by_recipient', sql`notifications (left(recipient, ${sql.lit(RECIPIENT_PREFIX)}), created_at desc, id desc)`],
  ['notifications_by_order', sql`notifications (order_id, created_at desc, id desc) where order_id is not null`],
  ['notifications_fallbacks', sql`notifications (fallback_of) where fallback_of is not null`],
  ['outbox_notification', sql`outbox ((payload ->> 'notification_id')) where (payload ->> 'notification_id') is not null`],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table outbox validate constraint outbox_body`.execute(db);
  for (const [name, definition] of INDEXES) await createIndexConcurrently(db, name, definition);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of INDEXES.toReversed()) await dropIndexConcurrently(db, name);
}
