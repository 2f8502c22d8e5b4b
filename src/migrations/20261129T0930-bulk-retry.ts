import { type Kysely, sql } from 'kysely';

/**
 * Bulk retry (docs/adr/0028-publishing-and-bulk-retry.md) walks the failed notifications oldest
 * failure first (a failed row's updated_at is when it failed: nothing changes it after). A partial
 * index holds only the failed rows, so the walk and its count never read the sent ones, and it
 * stays as small as the failures are few.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index notifications_failed on notifications (updated_at, id) where status = 'failed'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index notifications_failed`.execute(db);
}
