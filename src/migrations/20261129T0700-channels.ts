import { type Kysely, sql } from 'kysely';

/**
 * What the other channels need stored:
 * - on each notification, the provider's id for it (status callbacks name it: Twilio's sid), the
 *   last delivery receipt, and whether its address came from the profile (a webhook to a profile's
 *   endpoint is signed only with that endpoint's secrets); nullable or with a constant default, so
 *   adding them rewrites no row;
 * - feed_items: each in-app notification as an item of its recipient's feed (the in-app
 *   channel's "provider"; keyed by the notification, so a resend stores it once);
 * - channel_rate_buckets: one token bucket per channel, shared by every instance, so a provider's
 *   rate limit holds however many instances send;
 * - the due index led by the channel: workers claim each channel apart, and one channel's backlog
 *   must not be scanned to find another's due rows.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notifications
      add column provider_message_id text,
      add column from_profile boolean not null default false,
      add column receipt_status text,
      add column receipt_error_code text,
      add column receipt_at timestamptz`.execute(db);
  await sql`create index notifications_provider_message on notifications (channel, provider_message_id) where provider_message_id is not null`.execute(db);
  await sql`create table feed_items (
      notification_id uuid primary key,
      user_id text not null,
      type text not null,
      title text not null,
      body text not null,
      action_url text,
      data jsonb not null default '{}',
      created_at timestamptz not null default now(),
      seen_at timestamptz,
      read_at timestamptz,
      archived_at timestamptz)`.execute(db);
  await sql`create index feed_items_by_user on feed_items (user_id, created_at desc, notification_id desc)`.execute(db);
  await sql`create index feed_items_age on feed_items (created_at)`.execute(db);
  await sql`drop index notifications_due`.execute(db);
  await sql`create index notifications_due on notifications (channel, priority, next_attempt_at) where status in ('pending', 'retrying')`.execute(db);
  await sql`create table channel_rate_buckets (
      channel text primary key,
      tokens double precision not null,
      refilled_at timestamptz not null)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table channel_rate_buckets`.execute(db);
  await sql`drop index notifications_due`.execute(db);
  await sql`create index notifications_due on notifications (priority, next_attempt_at) where status in ('pending', 'retrying')`.execute(db);
  await sql`drop table feed_items`.execute(db);
  await sql`drop index notifications_provider_message`.execute(db);
  await sql`alter table notifications drop column provider_message_id, drop column from_profile, drop column receipt_status, drop column receipt_error_code, drop column receipt_at`.execute(db);
}
