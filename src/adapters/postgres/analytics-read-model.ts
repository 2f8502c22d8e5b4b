import { type Kysely, sql } from 'kysely';
import type { AnalyticsReadModel, AnalyticsWindow, CountedStatus, DeliveryTimes, OutcomeTotal, SeriesInterval, SeriesPoint } from '../../application/ports/analytics.js';
import { addHistograms } from '../../domain/delivery-time-histogram.js';
import { type Period, periodsCondition, periodsCovering } from './analytics-periods.js';
import type { Database } from './database.js';
import type { ReadRouter } from './read-router.js';

interface TotalRow {
  at?: Date;
  channel: string;
  type: string;
  status: CountedStatus;
  reason: string;
  count: string;
}

interface TimesRow {
  at?: Date;
  count: string;
  total_ms: string;
  buckets: readonly string[];
}

const NO_TIMES: DeliveryTimes = { count: 0, totalMs: 0, buckets: [] };

/**
 * Sums of the aggregates over the fewest periods that cover the window (analytics-periods.ts), on
 * the standby while it keeps up: a day is at most a few thousand rows, whatever it counted.
 */
export class KyselyAnalyticsReadModel implements AnalyticsReadModel {
  constructor(private readonly router: ReadRouter) {}

  totals(window: AnalyticsWindow) {
    const where = periodsCondition(periodsCovering(window.from, window.to));
    return this.router.read(async (db) => {
      const [totals, times] = await Promise.all([
        sql<TotalRow>`select channel, type, status, reason, sum(count) as count from analytics_counts where ${where} group by 1, 2, 3, 4`.execute(db),
        sql<TimesRow>`select count, total_ms, buckets from analytics_delivery_times where ${where}`.execute(db),
      ]);
      return { totals: totals.rows.map(totalOf), deliveryTimes: times.rows.map(timesOf).reduce(addTimes, NO_TIMES) };
    });
  }

  series(window: AnalyticsWindow, interval: SeriesInterval): Promise<readonly SeriesPoint[]> {
    const grain = interval === 'minute' ? 1 : 60;
    const size = grain * 60_000;
    const period: Period = { grain, from: new Date(Math.ceil(window.from.getTime() / size) * size), to: window.to };
    return this.router.read(async (db) => pointsOf(...(await seriesRows(db, periodsCondition([period])))));
  }
}

async function seriesRows(db: Kysely<Database>, where: ReturnType<typeof periodsCondition>) {
  const [totals, times] = await Promise.all([
    sql<TotalRow>`select at, channel, type, status, reason, sum(count) as count from analytics_counts where ${where} group by 1, 2, 3, 4, 5`.execute(db),
    sql<TimesRow>`select at, count, total_ms, buckets from analytics_delivery_times where ${where}`.execute(db),
  ]);
  return [totals.rows, times.rows] as const;
}

function pointsOf(totals: readonly TotalRow[], times: readonly TimesRow[]): SeriesPoint[] {
  const points = new Map<number, { at: Date; totals: OutcomeTotal[]; deliveryTimes: DeliveryTimes }>();
  const point = (at: Date) => points.get(at.getTime()) ?? points.set(at.getTime(), { at, totals: [], deliveryTimes: NO_TIMES }).get(at.getTime())!;
  for (const row of totals) point(row.at!).totals.push(totalOf(row));
  for (const row of times) {
    const p = point(row.at!);
    p.deliveryTimes = addTimes(p.deliveryTimes, timesOf(row));
  }
  return [...points.values()].sort((a, b) => a.at.getTime() - b.at.getTime());
}

function totalOf(row: TotalRow): OutcomeTotal {
  return { channel: row.channel, type: row.type, status: row.status, reason: row.reason === '' ? null : row.reason, count: Number(row.count) };
}

function timesOf(row: TimesRow): DeliveryTimes {
  return { count: Number(row.count), totalMs: Number(row.total_ms), buckets: row.buckets.map(Number) };
}

/** Histograms are summed here rather than in SQL: an aggregate over arrays costs PostgreSQL ~20 µs a row. */
function addTimes(a: DeliveryTimes, b: DeliveryTimes): DeliveryTimes {
  return { count: a.count + b.count, totalMs: a.totalMs + b.totalMs, buckets: addHistograms(a.buckets, b.buckets) };
}
