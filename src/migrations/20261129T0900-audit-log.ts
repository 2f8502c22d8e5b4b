import { type Kysely, sql } from 'kysely';

/**
 * audit_log: one row per admin action, written in the action's own transaction (docs/adr/0027-audit-log.md).
 * Read newest first, whole or by key, action or target; retention deletes by time (a year).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table audit_log (
      id bigint generated always as identity primary key,
      at timestamptz not null,
      key_id text not null,
      action text not null,
      target_type text not null,
      target_id text not null,
      detail jsonb)`.execute(db);
  await sql`create index audit_log_at on audit_log (at desc, id desc)`.execute(db);
  await sql`create index audit_log_target on audit_log (target_id, at desc, id desc)`.execute(db);
  await sql`create index audit_log_key on audit_log (key_id, at desc, id desc)`.execute(db);
  await sql`create index audit_log_action on audit_log (action, at desc, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table audit_log`.execute(db);
}
