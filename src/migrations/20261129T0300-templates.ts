import { type Kysely, sql } from 'kysely';

/**
 * Templates as data: one row per notification type with its
 * live and latest version numbers, and one immutable row per saved version holding the whole
 * definition (description, priority, ttl, routing, declared variables, default locale, variants)
 * as JSON. A version is never updated: publishing moves `live_version`.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table templates (
      key text primary key,
      built_in boolean not null default false,
      live_version integer not null,
      latest_version integer not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      constraint templates_live_version check (live_version between 1 and latest_version)
    )`.execute(db);
  await sql`create table template_versions (
      template_key text not null references templates (key) on delete cascade,
      version integer not null check (version >= 1),
      definition jsonb not null,
      created_at timestamptz not null,
      primary key (template_key, version)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table template_versions`.execute(db);
  await sql`drop table templates`.execute(db);
}
