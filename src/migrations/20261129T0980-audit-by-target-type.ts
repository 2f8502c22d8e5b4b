import { type Kysely, sql } from 'kysely';
import { createIndexConcurrently, dropIndexConcurrently } from './concurrent-index.js';

/**
 * GET /admin/audit?target_type=...: target_type is free text, and no index led by it, so a page of
 * a rare or unknown type walked audit_log_at through the whole log dropping the other types'
 * entries. Led by it and ordered like the other filters' indexes (at desc, id desc), a page reads
 * only its own rows (docs/adr/0027-audit-log.md). Built concurrently: admin actions write the log
 * meanwhile (few writes, so the index costs them little).
 */
export const transactional = false;

export async function up(db: Kysely<any>): Promise<void> {
  await createIndexConcurrently(db, 'audit_log_target_type', sql`audit_log (target_type, at desc, id desc)`);
}

export async function down(db: Kysely<any>): Promise<void> {
  await dropIndexConcurrently(db, 'audit_log_target_type');
}
