import { type Kysely, sql } from 'kysely';

/**
 * notifications.attempt_history: the row's attempts as one JSON array, a projection of the
 * notification_attempts ledger. Reading a page of history then touches one row per notification
 * instead of an index probe and a heap fetch into the ledger for each (ADR 7).
 *
 * A trigger keeps it, not the application: whatever inserts an attempt (this version, an older one
 * still running during a rolling deploy, a hand-written repair) updates the projection in the same
 * transaction. It rebuilds the array from the ledger rather than appending, so it always equals
 * the ledger, in attempt order.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notifications add column attempt_history jsonb not null default '[]'::jsonb`.execute(db);
  await sql`
    create function notifications_project_attempts() returns trigger language plpgsql as $$
    begin
      update notifications n
         set attempt_history = (
           select jsonb_agg(
                    jsonb_build_object('number', a.number, 'attempted_at', a.attempted_at, 'outcome', a.outcome,
                                       'response', a.response, 'error', a.error, 'latency_ms', a.latency_ms)
                    order by a.number)
             from notification_attempts a
            where a.notification_id = n.id)
       where n.id in (select distinct notification_id from inserted_attempts);
      return null;
    end
    $$`.execute(db);
  await sql`
    create trigger notification_attempts_project after insert on notification_attempts
      referencing new table as inserted_attempts
      for each statement execute function notifications_project_attempts()`.execute(db);
  // The attempts recorded before this migration (migrations run in one transaction, under the
  // table lock taken above: nothing is recorded in between).
  await sql`
    update notifications n
       set attempt_history = h.attempts
      from (select notification_id,
                   jsonb_agg(jsonb_build_object('number', number, 'attempted_at', attempted_at, 'outcome', outcome,
                                                'response', response, 'error', error, 'latency_ms', latency_ms)
                             order by number) as attempts
              from notification_attempts
             group by notification_id) h
     where n.id = h.notification_id`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger notification_attempts_project on notification_attempts`.execute(db);
  await sql`drop function notifications_project_attempts()`.execute(db);
  await sql`alter table notifications drop column attempt_history`.execute(db);
}
