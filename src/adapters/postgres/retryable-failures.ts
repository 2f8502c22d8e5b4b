import { type Kysely, sql } from 'kysely';
import type { FailedFilter, FailedPosition } from '../../domain/bulk-retry.js';
import type { RetryableFailures } from '../../application/ports/retryable-failures.js';
import type { Database } from './database.js';
import type { ReadRouter } from './read-router.js';

/**
 * The failed notifications a bulk retry takes, through the partial index notifications_failed
 * (migration 20261129T0930): failed (updated_at is when), never retried (the unique index
 * notifications_retry_of answers that), and holding no erased one-time secret: the rule of
 * NotificationRequest.retryOf, so that every row found can be retried. Nor one whose `first` route
 * fell back to a channel that was not suppressed (notifications_fallbacks): the user has it there,
 * or will, or that fallback failed and is retried on its own; retrying this one too would send the
 * request twice (docs/adr/0028-publishing-and-bulk-retry.md). The fallback is recorded in the
 * failure's own transaction, so a failed row found here never gains one later.
 */
export function retryableFailures(db: Kysely<Database>, filter: FailedFilter, after: FailedPosition | null = null) {
  let query = db
    .selectFrom('notifications as n')
    .where('n.status', '=', 'failed')
    .where(sql<boolean>`n.secret_variables = '{}'`)
    .where('n.updated_at', '<', filter.failedUntil)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('notifications as r').select('r.id').whereRef('r.retry_of', '=', 'n.id'))))
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('notifications as f').select('f.id').whereRef('f.fallback_of', '=', 'n.id').where('f.status', '<>', 'suppressed'))),
    );
  if (filter.failedSince !== null) query = query.where('n.updated_at', '>=', filter.failedSince);
  if (filter.type !== null) query = query.where('n.type', '=', filter.type);
  if (filter.channel !== null) query = query.where('n.channel', '=', filter.channel);
  if (after !== null) query = query.where(sql<boolean>`(n.updated_at, n.id) > (${after.failedAt}, ${after.id}::uuid)`);
  return query;
}

/** How many notifications a bulk retry with this filter would take now (read on the primary: a run's own retries must count). */
export async function countRetryableFailures(db: Kysely<Database>, filter: FailedFilter): Promise<number> {
  const row = await retryableFailures(db, filter)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** RetryableFailures on the primary (ReadRouter.latest): the count after a run must see the run's retries. */
export class KyselyRetryableFailures implements RetryableFailures {
  constructor(private readonly router: ReadRouter) {}

  count(filter: FailedFilter): Promise<number> {
    return this.router.latest((db) => countRetryableFailures(db, filter));
  }
}
