import { type Kysely, sql } from 'kysely';

/**
 * The channel-neutral delivery core (ADR 9): priorities with their claim order, provider-down
 * deferrals that use no attempt, counted lease expiries, admin retries as new notifications, one
 * reason for suppressed and failed notifications, secrets erased once final, and the indexes
 * retention prunes by.
 *
 * Expand only, so that a rolling deploy works and the table is not rewritten: the columns the
 * previous release writes (`suppression_reason`, `scheduled_attempts`) stay, and this release
 * keeps writing `suppression_reason`; every new column has a constant default (no rewrite), and
 * only unfinished notifications get their type's priority (the claim order needs it; a final one
 * shows `normal`). Notifications recorded before keep their one-time tokens until retention
 * deletes them (new ones lose them when they become final). A later release drops the old columns.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // 0 critical, 1 high, 2 normal, 3 low: claims take the lowest first.
  await sql`alter table notifications add column priority smallint not null default 2`.execute(db);
  await sql`alter table notifications add column reason text`.execute(db);
  await sql`alter table notifications add column deferrals integer not null default 0`.execute(db);
  await sql`alter table notifications add column lease_expiries integer not null default 0`.execute(db);
  await sql`alter table notifications add column retry_of uuid references notifications (id) on delete set null`.execute(db);
  await sql`alter table notifications add column secret_variables text[] not null default '{}'`.execute(db);
  await sql`update notifications set priority = case type
      when 'email_verification' then 0 when 'password_reset' then 0 when 'security_alert' then 0
      when 'order_confirmation' then 1 when 'order_status_update' then 1 else 2 end
      where status in ('pending', 'sending', 'retrying') and type <> 'welcome'`.execute(db);
  // One retry per failed notification: two admins clicking at once create one.
  await sql`create unique index notifications_retry_of on notifications (retry_of) where retry_of is not null`.execute(db);
  await sql`drop index notifications_due`.execute(db);
  await sql`create index notifications_due on notifications (priority, next_attempt_at) where status in ('pending', 'retrying')`.execute(db);
  await sql`create index notifications_final on notifications (updated_at) where status in ('sent', 'failed', 'suppressed')`.execute(db);
  await sql`create index inbox_received on inbox (received_at)`.execute(db);
  await sql`create index idempotency_keys_created on idempotency_keys (created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index idempotency_keys_created`.execute(db);
  await sql`drop index inbox_received`.execute(db);
  await sql`drop index notifications_final`.execute(db);
  await sql`drop index notifications_due`.execute(db);
  await sql`create index notifications_due on notifications (next_attempt_at) where status in ('pending', 'retrying')`.execute(db);
  await sql`drop index notifications_retry_of`.execute(db);
  for (const column of ['secret_variables', 'retry_of', 'lease_expiries', 'deferrals', 'reason', 'priority']) {
    await sql`alter table notifications drop column ${sql.ref(column)}`.execute(db);
  }
}
