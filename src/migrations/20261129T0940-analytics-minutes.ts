import { type Kysely, sql } from 'kysely';

/**
 * Analytics from per-period aggregates (docs/adr/0025-analytics-from-minute-aggregates.md).
 * Every outcome adds 1 to its minute's, its hour's and its day's row (`grain`: 1, 60, 1440
 * minutes) in the transaction that records it; `shard` is the writing connection's backend pid,
 * so no two open transactions ever write the same row. Retention folds the shards of ended
 * periods into shard 0. Delivery times are a log-scale histogram per channel and period. No index
 * on age alone: retention finds old rows through the primary key (grain first), one fewer index
 * for every write to maintain.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table analytics_counts (
      grain smallint not null check (grain in (1, 60, 1440)),
      at timestamptz not null,
      channel text not null,
      type text not null,
      status text not null check (status in ('sent', 'failed', 'suppressed', 'delivered', 'undelivered')),
      reason text not null default '',
      shard integer not null,
      count bigint not null,
      primary key (grain, at, channel, type, status, reason, shard))`.execute(db);
  await sql`
    create table analytics_delivery_times (
      grain smallint not null check (grain in (1, 60, 1440)),
      at timestamptz not null,
      channel text not null,
      shard integer not null,
      count bigint not null,
      total_ms bigint not null,
      buckets bigint[] not null,
      primary key (grain, at, channel, shard))`.execute(db);
  await sql`create index analytics_counts_unfolded on analytics_counts (at) where shard <> 0`.execute(db);
  await sql`create index analytics_delivery_times_unfolded on analytics_delivery_times (at) where shard <> 0`.execute(db);
  // Element-wise sum of two histograms; the shorter is padded with zeros (trailing zeros are not stored).
  await sql`
    create function analytics_add_buckets(a bigint[], b bigint[]) returns bigint[] language sql immutable parallel safe as $$
      select case when a is null then b when b is null then a
        else array(select coalesce(x, 0) + coalesce(y, 0) from unnest(a, b) with ordinality as t(x, y, i) order by i) end
    $$`.execute(db);
  await sql`create aggregate analytics_sum_buckets(bigint[]) (sfunc = analytics_add_buckets, stype = bigint[], parallel = safe)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop aggregate analytics_sum_buckets(bigint[])`.execute(db);
  await sql`drop function analytics_add_buckets(bigint[], bigint[])`.execute(db);
  await sql`drop table analytics_delivery_times`.execute(db);
  await sql`drop table analytics_counts`.execute(db);
}
