import { type Kysely, sql } from 'kysely';

/**
 * What a notification renders with, recorded when it is asked for: the template version (the
 * history shows it; a publish afterwards does not change what it says), the locale asked for,
 * and the instant after which it must not be sent. Nullable columns without defaults: adding
 * them rewrites no row, and rows from before keep rendering with the live version.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notifications
      add column template_version integer,
      add column locale text,
      add column expires_at timestamptz`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table notifications drop column template_version, drop column locale, drop column expires_at`.execute(db);
}
