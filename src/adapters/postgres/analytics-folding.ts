import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';

/** Any key: it only keeps two instances from folding at once. */
const FOLD_LOCK = 'analytics_fold';

/**
 * Folds the shards of every period that ended before `endedBefore` into shard 0: the same sums
 * in fewer rows, so reads stay small (docs/adr/0025-analytics-from-minute-aggregates.md). One
 * transaction, so a reader sees the rows before or after, never half; answers the rows folded.
 * `endedBefore` stays minutes behind now: a transaction still writing such a period would make
 * this one wait for it, never the other way round (writers only touch current periods).
 */
export async function foldAnalytics(primary: Kysely<Database>, endedBefore: Date): Promise<number> {
  return primary.transaction().execute(async (tx) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${FOLD_LOCK}, 0)) as locked`.execute(tx);
    if (!rows[0]?.locked) return 0;
    const ended = sql`shard <> 0 and at < ${endedBefore} and at + make_interval(mins => grain) <= ${endedBefore}`;
    const counts = await sql`
      with moved as (delete from analytics_counts where ${ended} returning *)
      insert into analytics_counts as a (grain, at, channel, type, status, reason, shard, count)
      select grain, at, channel, type, status, reason, 0, sum(count) from moved group by 1, 2, 3, 4, 5, 6
      on conflict (grain, at, channel, type, status, reason, shard) do update set count = a.count + excluded.count`.execute(tx);
    const times = await sql`
      with moved as (delete from analytics_delivery_times where ${ended} returning *)
      insert into analytics_delivery_times as d (grain, at, channel, shard, count, total_ms, buckets)
      select grain, at, channel, 0, sum(count), sum(total_ms), analytics_sum_buckets(buckets) from moved group by 1, 2, 3
      on conflict (grain, at, channel, shard) do update
        set count = d.count + excluded.count, total_ms = d.total_ms + excluded.total_ms, buckets = analytics_add_buckets(d.buckets, excluded.buckets)`.execute(tx);
    return Number(counts.numAffectedRows ?? 0) + Number(times.numAffectedRows ?? 0);
  });
}
