import type { FailedFilter } from '../../domain/bulk-retry.js';

/** Counts what a bulk retry would take; read on the primary, so that a run's own retries are seen at once. */
export interface RetryableFailures {
  count(filter: FailedFilter): Promise<number>;
}
