import { type Kysely, sql } from 'kysely';

/**
 * Finding notifications (ADR 23): `order_id`, the order a notification is about, from its variables
 * when it is requested; nullable without a default, so adding it rewrites no row (rows from before
 * stay null) and its lock is held for an instant. The length bound is checked on new rows only (NOT
 * VALID): the old ones are all null. The indexes the search walks are built by
 * 20261129T0945-operations-indexes, concurrently, outside this migration's transaction.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notifications add column order_id text`.execute(db);
  await sql`alter table notifications add constraint notifications_order_id_length check (char_length(order_id) between 1 and 128) not valid`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table notifications drop column order_id`.execute(db);
}
