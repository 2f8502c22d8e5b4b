import { type Kysely, sql } from 'kysely';

/**
 * Routing and quiet hours:
 * - status `scheduled` (held until the end of the recipient's quiet hours, reason `quiet_hours`),
 *   claimed by the due index like `pending` once its time comes;
 * - `fallback`: the channels a `first`-routed notification falls back to should it fail for
 *   good; a constant default, so adding it rewrites no row; `fallback_of` links a fallback to
 *   the notification it falls back from (nullable);
 * - `time_zone`: the recipient's when it was requested, so its dates render in it (nullable).
 * The previous release claims only `pending` and `retrying`: during a rolling deploy its
 * instances leave `scheduled` rows to this release's, and write none.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notifications drop constraint notifications_status_check`.execute(db);
  await sql`alter table notifications add constraint notifications_status_check
      check (status in ('pending', 'scheduled', 'sending', 'sent', 'retrying', 'failed', 'suppressed'))`.execute(db);
  await sql`alter table notifications add column fallback text[] not null default '{}', add column fallback_of uuid, add column time_zone text`.execute(db);
  await sql`drop index notifications_due`.execute(db);
  await sql`create index notifications_due on notifications (channel, priority, next_attempt_at) where status in ('pending', 'retrying', 'scheduled')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index notifications_due`.execute(db);
  await sql`create index notifications_due on notifications (channel, priority, next_attempt_at) where status in ('pending', 'retrying')`.execute(db);
  await sql`alter table notifications drop column fallback, drop column fallback_of, drop column time_zone`.execute(db);
  await sql`update notifications set status = 'pending', reason = null where status = 'scheduled'`.execute(db);
  await sql`alter table notifications drop constraint notifications_status_check`.execute(db);
  await sql`alter table notifications add constraint notifications_status_check
      check (status in ('pending', 'sending', 'sent', 'retrying', 'failed', 'suppressed'))`.execute(db);
}
