import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';

/** Any key: it only keeps two instances from folding at once. */
const FOLD_LOCK = 'analytics_fold';
/** Periods of one grain folded per transaction: a backlog is folded in short transactions, one after another. */
export const FOLD_PERIODS_PER_TRANSACTION = 60;
const GRAINS = [1, 60, 1440] as const;
const TABLES = ['analytics_counts', 'analytics_delivery_times'] as const;
type FoldedTable = (typeof TABLES)[number];

const FOLD: Readonly<Record<FoldedTable, (periods: Date[], grain: number) => ReturnType<typeof sql>>> = {
  analytics_counts: (periods, grain) => sql`
    with moved as (delete from analytics_counts where shard <> 0 and grain = ${grain} and at = any(${periods}::timestamptz[]) returning *)
    insert into analytics_counts as a (grain, at, channel, type, status, reason, shard, count)
    select grain, at, channel, type, status, reason, 0, sum(count) from moved group by 1, 2, 3, 4, 5, 6
    on conflict (grain, at, channel, type, status, reason, shard) do update set count = a.count + excluded.count`,
  analytics_delivery_times: (periods, grain) => sql`
    with moved as (delete from analytics_delivery_times where shard <> 0 and grain = ${grain} and at = any(${periods}::timestamptz[]) returning *)
    insert into analytics_delivery_times as d (grain, at, channel, shard, count, total_ms, buckets)
    select grain, at, channel, 0, sum(count), sum(total_ms), analytics_sum_buckets(buckets) from moved group by 1, 2, 3
    on conflict (grain, at, channel, shard) do update
      set count = d.count + excluded.count, total_ms = d.total_ms + excluded.total_ms, buckets = analytics_add_buckets(d.buckets, excluded.buckets)`,
};

/**
 * Folds the shards of the oldest `limit` periods of one grain that ended before `endedBefore` into
 * shard 0, in one transaction: a reader sees a period's rows before or after, never half. Answers
 * the periods and rows folded, or null when another instance is folding.
 */
export async function foldPeriods(primary: Kysely<Database>, table: FoldedTable, grain: number, endedBefore: Date, limit: number): Promise<{ periods: number; rows: number } | null> {
  return primary.transaction().execute(async (tx) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${FOLD_LOCK}, 0)) as locked`.execute(tx);
    if (!rows[0]?.locked) return null;
    const found = await sql<{ at: Date }>`select distinct at from ${sql.table(table)}
      where shard <> 0 and grain = ${grain} and at < ${endedBefore} and at + make_interval(mins => ${grain}) <= ${endedBefore} order by at limit ${limit}`.execute(tx);
    const periods = found.rows.map((r) => r.at);
    if (periods.length === 0) return { periods: 0, rows: 0 };
    const folded = await FOLD[table](periods, grain).execute(tx);
    return { periods: periods.length, rows: Number(folded.numAffectedRows ?? 0) };
  });
}

/**
 * Folds the shards of every period that ended before `endedBefore` into shard 0: the same sums
 * in fewer rows, so reads stay small (docs/adr/0025-analytics-from-minute-aggregates.md). Grain by
 * grain, `periodsPerTransaction` periods at a time, so a large backlog (after an outage of the
 * retention worker) is never one long transaction; answers the rows folded. `stopping` is asked
 * before each transaction: a shutdown waits for the one under way at most, and the next run goes
 * on where this one stopped. `endedBefore` stays minutes behind now: a transaction still writing
 * such a period would make this one wait for it, never the other way round (writers only touch
 * current periods).
 */
export async function foldAnalytics(
  primary: Kysely<Database>,
  endedBefore: Date,
  stopping: () => boolean = () => false,
  periodsPerTransaction = FOLD_PERIODS_PER_TRANSACTION,
): Promise<number> {
  let rows = 0;
  for (const table of TABLES) {
    for (const grain of GRAINS) {
      for (;;) {
        if (stopping()) return rows;
        const step = await foldPeriods(primary, table, grain, endedBefore, periodsPerTransaction);
        if (step === null) return rows;
        rows += step.rows;
        if (step.periods < periodsPerTransaction) break;
      }
    }
  }
  return rows;
}
