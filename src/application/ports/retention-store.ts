/** What retention deletes, each table by its own age column (ws_tickets: by expiry). */
export const RETAINED_TABLES = ['inbox', 'idempotency_keys', 'outbox', 'notifications', 'feed_items', 'ws_tickets', 'audit_log', 'analytics_counts', 'analytics_delivery_times', 'dead_letters'] as const;
export type RetainedTable = (typeof RETAINED_TABLES)[number];

/**
 * Deletes old rows in small batches. Only rows nothing will act on again go: published outbox
 * rows, final notifications (with their attempts), feed items (read or not), audit entries past
 * their year. Rows another instance is pruning at the same moment are skipped, not waited for.
 */
export interface RetentionStore {
  /** Deletes up to `batchSize` rows of `table` older than `olderThan`; answers how many. */
  prune(table: RetainedTable, olderThan: Date, batchSize: number): Promise<number>;
  /**
   * Folds the analytics shards of the periods that ended before `endedBefore` (ADR 25), in short
   * transactions, asking `stopping` before each (none is begun once it answers true); answers the
   * rows written.
   */
  foldAnalytics(endedBefore: Date, stopping: () => boolean): Promise<number>;
}
