import { type Kysely, sql } from 'kysely';

/**
 * The attempt history written by the statement that records the attempt, not by a second update.
 *
 * Migration 20261122T0400 made a trigger rebuild notifications.attempt_history from the ledger
 * after every insert into notification_attempts: every recorded attempt wrote its notification row
 * twice (the recording update, then the trigger's), and rebuilt the whole array each time. This
 * release appends the new attempts to the projection in the recording update itself, built with
 * the same expression as the trigger's, and the trigger now rebuilds only the rows whose
 * projection lacks an inserted attempt, entry for entry (not only its number): those an older
 * release or a hand-written repair recorded, or a corrected attempt inserted again after a
 * delete. The projection still always equals the ledger.
 *
 * The SQL below is inlined into a function body: it must take no parameters.
 */
const ENTRY = (a: string) => sql.raw(`jsonb_build_object('number', ${a}.number, 'attempted_at', ${a}.attempted_at, 'outcome', ${a}.outcome,
                                   'response', ${a}.response, 'error', ${a}.error, 'latency_ms', ${a}.latency_ms)`);
const REBUILD = sql`
  update notifications n
     set attempt_history = (
       select jsonb_agg(${ENTRY('a')} order by a.number)
         from notification_attempts a
        where a.notification_id = n.id)`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function notifications_project_attempts() returns trigger language plpgsql as $$
    begin
      ${REBUILD}
       where n.id in (select i.notification_id from inserted_attempts i
                       where not exists (select 1 from notifications p
                                          where p.id = i.notification_id
                                            and p.attempt_history @> jsonb_build_array(${ENTRY('i')})));
      return null;
    end
    $$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function notifications_project_attempts() returns trigger language plpgsql as $$
    begin
      ${REBUILD}
       where n.id in (select distinct notification_id from inserted_attempts);
      return null;
    end
    $$`.execute(db);
}
