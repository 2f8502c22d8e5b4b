import { type Kysely, sql } from 'kysely';

/**
 * dead_letters: every message of the dead-letter queue, moved there by the mover in the step that
 * acks it (docs/adr/0024-dead-letters-as-rows.md). `message_key` makes a redelivered message the
 * same row. Listed newest first, whole or by reason or routing key; replays found by `replay_of`.
 *
 * outbox: a replay is published byte for byte with its own headers and message id, so a row may
 * carry a raw body (then `payload` is null), headers, a message id and a content type. Every change
 * to it is metadata only (nullable columns without a default); its check is added NOT VALID, so no
 * row is read under the table's lock, and validated by 20261129T0945-operations-indexes.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table dead_letters (
      id uuid primary key,
      message_key text not null unique,
      body bytea not null,
      body_truncated boolean not null,
      body_size integer not null,
      headers jsonb not null,
      dropped_headers text[] not null default '{}',
      properties jsonb not null,
      exchange text not null,
      routing_key text not null,
      queue text not null,
      reason text not null,
      detail text not null,
      first_death_at timestamptz not null,
      last_death_at timestamptz not null,
      death_count integer not null,
      replay_of uuid,
      replayed_at timestamptz,
      created_at timestamptz not null)`.execute(db);
  await sql`create index dead_letters_created on dead_letters (created_at desc, id desc)`.execute(db);
  await sql`create index dead_letters_reason on dead_letters (reason, created_at desc, id desc)`.execute(db);
  await sql`create index dead_letters_routing_key on dead_letters (routing_key, created_at desc, id desc)`.execute(db);
  await sql`create index dead_letters_replay_of on dead_letters (replay_of) where replay_of is not null`.execute(db);
  await sql`alter table outbox
      alter column payload drop not null,
      add column raw_body bytea,
      add column headers jsonb,
      add column message_id text,
      add column content_type text,
      add constraint outbox_body check ((payload is null) <> (raw_body is null)) not valid`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from outbox where payload is null`.execute(db);
  await sql`alter table outbox
      drop constraint outbox_body,
      drop column raw_body,
      drop column headers,
      drop column message_id,
      drop column content_type,
      alter column payload set not null`.execute(db);
  await sql`drop table dead_letters`.execute(db);
}
