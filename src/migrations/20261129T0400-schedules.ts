import { type Kysely, sql } from 'kysely';

/**
 * Scheduled and recurring sends. `schedules` holds each schedule with the occurrence due next
 * (found through a partial index on the active ones); `schedule_occurrences` one row per occurrence
 * consumed, keyed by schedule and scheduled instant: whichever transaction inserts the key first
 * fires it, so an occurrence fires once however many instances tick and however often they restart.
 * A refused request is a row with no notifications and the reason.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table schedules (
      id uuid primary key,
      request jsonb not null,
      time_zone text,
      recurrence text,
      next_fire_at timestamptz,
      status text not null,
      fired_count integer not null default 0 check (fired_count >= 0),
      last_fired_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      constraint schedules_status check (status in ('active', 'cancelled', 'completed')),
      constraint schedules_active_is_due check ((status = 'active') = (next_fire_at is not null))
    )`.execute(db);
  await sql`create index schedules_due on schedules (next_fire_at) where status = 'active'`.execute(db);
  await sql`create index schedules_newest on schedules (created_at desc, id desc)`.execute(db);
  await sql`create table schedule_occurrences (
      schedule_id uuid not null references schedules (id) on delete cascade,
      occurrence_at timestamptz not null,
      fired_at timestamptz not null,
      notification_ids uuid[] not null default '{}',
      refusal text,
      primary key (schedule_id, occurrence_at)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table schedule_occurrences`.execute(db);
  await sql`drop table schedules`.execute(db);
}
