import { type Kysely, sql } from 'kysely';
import { createIndexConcurrently, dropIndexConcurrently } from './concurrent-index.js';

/**
 * Bulk retry (docs/adr/0028-publishing-and-bulk-retry.md) walks the failed notifications oldest
 * failure first (a failed row's updated_at is when it failed: nothing changes it after). A partial
 * index holds only the failed rows, so the walk and its count never read the sent ones, and it
 * stays as small as the failures are few. Built concurrently: reads and writes go on meanwhile.
 */
export const transactional = false;

export async function up(db: Kysely<any>): Promise<void> {
  await createIndexConcurrently(db, 'notifications_failed', sql`notifications (updated_at, id) where status = 'failed'`);
}

export async function down(db: Kysely<any>): Promise<void> {
  await dropIndexConcurrently(db, 'notifications_failed');
}
