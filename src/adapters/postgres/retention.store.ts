import { type Kysely, sql } from 'kysely';
import type { RetainedTable, RetentionStore } from '../../application/ports/retention-store.js';
import { foldAnalytics } from './analytics-folding.js';
import type { Database } from './database.js';

const FINAL = sql`('sent', 'failed', 'suppressed')`;

/**
 * Each batch is one statement: the oldest rows past the age, found through the table's age index
 * and locked with SKIP LOCKED (two instances prune different rows, and never wait on a row a worker
 * holds), then deleted. Deleting a notification deletes its attempts (foreign key cascade).
 */
const BATCHES: { readonly [T in RetainedTable]: (olderThan: Date, limit: number) => ReturnType<typeof sql> } = {
  inbox: (olderThan, limit) => sql`delete from inbox where event_id in (
      select event_id from inbox where received_at < ${olderThan} order by received_at limit ${limit} for update skip locked)`,
  idempotency_keys: (olderThan, limit) => sql`delete from idempotency_keys where key in (
      select key from idempotency_keys where created_at < ${olderThan} order by created_at limit ${limit} for update skip locked)`,
  outbox: (olderThan, limit) => sql`delete from outbox where id in (
      select id from outbox where published_at < ${olderThan} order by published_at limit ${limit} for update skip locked)`,
  notifications: (olderThan, limit) => sql`delete from notifications where id in (
      select id from notifications where status in ${FINAL} and updated_at < ${olderThan}
      order by updated_at limit ${limit} for update skip locked)`,
  feed_items: (olderThan, limit) => sql`delete from feed_items where notification_id in (
      select notification_id from feed_items where created_at < ${olderThan} order by created_at limit ${limit} for update skip locked)`,
  ws_tickets: (olderThan, limit) => sql`delete from ws_tickets where hash in (
      select hash from ws_tickets where expires_at < ${olderThan} order by expires_at limit ${limit} for update skip locked)`,
  // Replayed or not: a replay is a row of the outbox by then, and a replay that died again a dead letter of its own.
  dead_letters: (olderThan, limit) => sql`delete from dead_letters where id in (
      select id from dead_letters where created_at < ${olderThan} order by created_at limit ${limit} for update skip locked)`,
  audit_log: (olderThan, limit) => sql`delete from audit_log where id in (
      select id from audit_log where at < ${olderThan} order by at limit ${limit} for update skip locked)`,
  analytics_counts: (olderThan, limit) => sql`delete from analytics_counts where ctid in (
      select ctid from analytics_counts where grain in (1, 60, 1440) and at < ${olderThan} limit ${limit} for update skip locked)`,
  analytics_delivery_times: (olderThan, limit) => sql`delete from analytics_delivery_times where ctid in (
      select ctid from analytics_delivery_times where grain in (1, 60, 1440) and at < ${olderThan} limit ${limit} for update skip locked)`,
};

export class KyselyRetentionStore implements RetentionStore {
  constructor(private readonly primary: Kysely<Database>) {}

  async prune(table: RetainedTable, olderThan: Date, batchSize: number): Promise<number> {
    const result = await BATCHES[table](olderThan, batchSize).execute(this.primary);
    return Number(result.numAffectedRows ?? 0);
  }

  foldAnalytics(endedBefore: Date, stopping: () => boolean): Promise<number> {
    return foldAnalytics(this.primary, endedBefore, stopping);
  }
}
