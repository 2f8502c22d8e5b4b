import { type Kysely, sql } from 'kysely';

/**
 * Recipient contact points and suppressions (ADR 17). The new profile columns are nullable or have
 * a constant default, so adding them rewrites no row and profiles from before have none. A webhook
 * URL always has its secret (Standard Webhooks signing needs it in clear, unlike API keys, which
 * are only compared); a previous secret always has its expiry. `suppressions` holds one row per
 * channel and address, the unique key that makes adding one idempotent.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notification_preferences
      add column phone_number text,
      add column push_tokens text[] not null default '{}',
      add column webhook_url text,
      add column webhook_secret text,
      add column webhook_previous_secret text,
      add column webhook_previous_expires_at timestamptz,
      add column webhook_disabled_at timestamptz,
      add constraint notification_preferences_push_tokens check (cardinality(push_tokens) <= 10),
      add constraint notification_preferences_webhook_secret check ((webhook_url is null) = (webhook_secret is null)),
      add constraint notification_preferences_webhook_previous check ((webhook_previous_secret is null) = (webhook_previous_expires_at is null)),
      add constraint notification_preferences_webhook_state check (webhook_url is not null or (webhook_previous_secret is null and webhook_disabled_at is null))`.execute(db);
  await sql`create table suppressions (
      id uuid primary key,
      channel text not null,
      address text not null,
      reason text not null,
      source text not null,
      created_at timestamptz not null,
      constraint suppressions_channel_address unique (channel, address),
      constraint suppressions_channel check (channel in ('email', 'sms', 'push', 'webhook', 'in_app')),
      constraint suppressions_reason check (reason in ('opted_out', 'bounced', 'complained', 'manual'))
    )`.execute(db);
  await sql`create index suppressions_newest on suppressions (created_at desc, id desc)`.execute(db);
  await sql`create index suppressions_address on suppressions (address)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table suppressions`.execute(db);
  await sql`alter table notification_preferences
      drop column phone_number,
      drop column push_tokens,
      drop column webhook_url,
      drop column webhook_secret,
      drop column webhook_previous_secret,
      drop column webhook_previous_expires_at,
      drop column webhook_disabled_at`.execute(db);
}
