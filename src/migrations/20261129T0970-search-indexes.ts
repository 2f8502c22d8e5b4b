import { type Kysely, sql } from 'kysely';
import { createIndexConcurrently, dropIndexConcurrently, replaceIndexConcurrently } from './concurrent-index.js';

/**
 * Finding notifications, after the second bench at 1,000,000 rows (ADR 23), built concurrently like
 * 20261129T0945-operations-indexes:
 * - a user's rows of one status, newest first: userid+status walked notifications_user_history
 *   and read each of the user's rows from the table to drop the other statuses (p99 29 ms);
 * - notifications_by_status keyed by (status, channel) and carrying type, notifications_by_channel_type
 *   carrying status (INCLUDE: in the entries, not the key): a status with a channel is one exact
 *   walk, a status alone or with a type one walk per channel, dropping other types from the entries
 *   alone (a status with a channel or a type read a table row per entry it dropped: 70 to 230 ms
 *   of the server's time for a rare channel with a common status).
 */
export const transactional = false;

const BY_STATUS = sql`notifications (status, created_at desc, id desc)`;
const BY_CHANNEL_TYPE = sql`notifications (channel, type, created_at desc, id desc)`;

export async function up(db: Kysely<any>): Promise<void> {
  await createIndexConcurrently(db, 'notifications_by_user_status', sql`notifications (user_id, status, created_at desc, id desc)`);
  await replaceIndexConcurrently(db, 'notifications_by_status', sql`notifications (status, channel, created_at desc, id desc) include (type)`);
  await replaceIndexConcurrently(db, 'notifications_by_channel_type', sql`${BY_CHANNEL_TYPE} include (status)`);
}

export async function down(db: Kysely<any>): Promise<void> {
  await replaceIndexConcurrently(db, 'notifications_by_channel_type', BY_CHANNEL_TYPE);
  await replaceIndexConcurrently(db, 'notifications_by_status', BY_STATUS);
  await dropIndexConcurrently(db, 'notifications_by_user_status');
}
