import { type Kysely, sql } from 'kysely';
import type { AnalyticsCounts, CountedOutcome } from '../../application/ports/analytics.js';
import { addHistograms, histogramOf } from '../../domain/delivery-time-histogram.js';
import { GRAINS, periodStart } from './analytics-periods.js';
import type { Database } from './database.js';

interface Count {
  grain: number;
  at: Date;
  channel: string;
  type: string;
  status: string;
  reason: string;
  count: number;
}

interface Times {
  grain: number;
  at: Date;
  channel: string;
  count: number;
  totalMs: number;
  buckets: number[];
}

/**
 * Counts the outcomes of one transaction in memory and writes them as its last statement
 * (docs/adr/0025-analytics-from-minute-aggregates.md): each row is keyed by the connection's
 * backend pid, which no other open transaction has, so no writer ever waits on another's row;
 * retention folds the shards of ended periods together.
 */
export class KyselyAnalyticsCounts implements AnalyticsCounts {
  private readonly counts = new Map<string, Count>();
  private readonly times = new Map<string, Times>();

  constructor(private readonly tx: Kysely<Database>) {}

  count(o: CountedOutcome): void {
    for (const grain of GRAINS) {
      const at = periodStart(o.at, grain);
      const reason = o.reason ?? '';
      const key = [grain, at.getTime(), o.channel, o.type, o.status, reason].join('\u0000');
      const row = this.counts.get(key) ?? { grain, at, channel: o.channel, type: o.type, status: o.status, reason, count: 0 };
      this.counts.set(key, { ...row, count: row.count + 1 });
      if (o.deliveryTimeMs !== null) this.time(grain, at, o.channel, o.deliveryTimeMs);
    }
  }

  /** One statement for both tables, or none when nothing was counted. */
  async flush(): Promise<void> {
    if (this.counts.size === 0) return;
    const c = [...this.counts.values()];
    const t = [...this.times.values()];
    await sql`
      with counted as (
        insert into analytics_counts as a (grain, at, channel, type, status, reason, shard, count)
        select g, at, channel, type, status, reason, pg_backend_pid(), n
        from unnest(${c.map((r) => r.grain)}::smallint[], ${c.map((r) => r.at)}::timestamptz[], ${c.map((r) => r.channel)}::text[],
                    ${c.map((r) => r.type)}::text[], ${c.map((r) => r.status)}::text[], ${c.map((r) => r.reason)}::text[],
                    ${c.map((r) => r.count)}::bigint[]) as u(g, at, channel, type, status, reason, n)
        on conflict (grain, at, channel, type, status, reason, shard) do update set count = a.count + excluded.count
      )
      insert into analytics_delivery_times as d (grain, at, channel, shard, count, total_ms, buckets)
      select g, at, channel, pg_backend_pid(), n, ms, b::bigint[]
      from unnest(${t.map((r) => r.grain)}::smallint[], ${t.map((r) => r.at)}::timestamptz[], ${t.map((r) => r.channel)}::text[],
                  ${t.map((r) => r.count)}::bigint[], ${t.map((r) => r.totalMs)}::bigint[], ${t.map((r) => `{${r.buckets.join(',')}}`)}::text[]) as u(g, at, channel, n, ms, b)
      on conflict (grain, at, channel, shard) do update
        set count = d.count + excluded.count, total_ms = d.total_ms + excluded.total_ms, buckets = analytics_add_buckets(d.buckets, excluded.buckets)`.execute(this.tx);
  }

  private time(grain: number, at: Date, channel: string, ms: number): void {
    const key = [grain, at.getTime(), channel].join('\u0000');
    const row = this.times.get(key) ?? { grain, at, channel, count: 0, totalMs: 0, buckets: [] };
    this.times.set(key, { ...row, count: row.count + 1, totalMs: row.totalMs + ms, buckets: addHistograms(row.buckets, histogramOf([ms])) });
  }
}
