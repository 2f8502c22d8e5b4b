import { type Kysely, sql } from 'kysely';

/**
 * The channel-neutral delivery core (ADR 8): priorities with their claim order, provider-down
 * deferrals that use no attempt, counted lease expiries, admin retries as new notifications, one
 * reason column for suppressed and failed notifications, secrets erased once final, and the
 * indexes retention prunes by.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notifications rename column suppression_reason to reason`.execute(db);
  // 0 critical, 1 high, 2 normal, 3 low: claims take the lowest first.
  await sql`alter table notifications add column priority smallint not null default 2 check (priority between 0 and 3)`.execute(db);
  await sql`update notifications set priority = case type
      when 'email_verification' then 0 when 'password_reset' then 0 when 'security_alert' then 0
      when 'order_confirmation' then 1 when 'order_status_update' then 1 else 2 end`.execute(db);
  await sql`alter table notifications add column deferrals integer not null default 0`.execute(db);
  await sql`alter table notifications add column lease_expiries integer not null default 0`.execute(db);
  await sql`alter table notifications add column retry_of uuid references notifications (id) on delete set null`.execute(db);
  await sql`alter table notifications add column secret_variables text[] not null default '{}'`.execute(db);
  // Rows recorded before: their one-time tokens are erased by retention like new ones.
  await sql`update notifications set secret_variables = case type
      when 'email_verification' then '{verify_token}'::text[] when 'password_reset' then '{reset_token}'::text[] end
      where type in ('email_verification', 'password_reset')`.execute(db);
  await sql`alter table notifications drop column scheduled_attempts`.execute(db);
  // One retry per failed notification: two admins clicking at once create one.
  await sql`create unique index notifications_retry_of on notifications (retry_of) where retry_of is not null`.execute(db);
  await sql`drop index notifications_due`.execute(db);
  await sql`create index notifications_due on notifications (priority, next_attempt_at) where status in ('pending', 'retrying')`.execute(db);
  await sql`create index notifications_final on notifications (updated_at) where status in ('sent', 'failed', 'suppressed')`.execute(db);
  // Final notifications still holding a secret variable: retention erases it and the row leaves the index.
  await sql`create index notifications_secrets on notifications (updated_at)
      where template_vars ?| secret_variables and status in ('sent', 'failed', 'suppressed')`.execute(db);
  await sql`create index inbox_received on inbox (received_at)`.execute(db);
  await sql`create index idempotency_keys_created on idempotency_keys (created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index idempotency_keys_created`.execute(db);
  await sql`drop index inbox_received`.execute(db);
  await sql`drop index notifications_secrets`.execute(db);
  await sql`drop index notifications_final`.execute(db);
  await sql`drop index notifications_due`.execute(db);
  await sql`create index notifications_due on notifications (next_attempt_at) where status in ('pending', 'retrying')`.execute(db);
  await sql`drop index notifications_retry_of`.execute(db);
  await sql`alter table notifications add column scheduled_attempts integer not null default 0`.execute(db);
  for (const column of ['secret_variables', 'retry_of', 'lease_expiries', 'deferrals', 'priority']) {
    await sql`alter table notifications drop column ${sql.ref(column)}`.execute(db);
  }
  // The previous schema knew suppression reasons only.
  await sql`update notifications set reason = null where status <> 'suppressed'`.execute(db);
  await sql`alter table notifications rename column reason to suppression_reason`.execute(db);
}
