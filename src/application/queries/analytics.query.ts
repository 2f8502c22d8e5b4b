import { type AnalyticsSummary, type Percentiles, failureReasonsOf, percentilesOf, summaryOf } from '../analytics/analytics-summary.js';
import { analyticsWindow, seriesInterval } from '../analytics/analytics-window.js';
import type { AnalyticsReadModel, AnalyticsWindow, SeriesInterval, SeriesPoint } from '../ports/analytics.js';
import type { Clock } from '../ports/clock.js';

const INTERVAL_MS: Readonly<Record<SeriesInterval, number>> = { minute: 60_000, hour: 3_600_000 };

export interface TimeseriesPoint {
  readonly at: Date;
  readonly sent: number;
  readonly failed: number;
  readonly suppressed: number;
  readonly deliveryTimeMs: Percentiles;
  readonly failureReasons: Readonly<Record<string, number>>;
}

/** Delivery analytics from the per-minute aggregates (docs/adr/0025-analytics-from-minute-aggregates.md). */
export class AnalyticsQuery {
  constructor(
    private readonly readModel: AnalyticsReadModel,
    private readonly clock: Clock,
  ) {}

  async summary(from: string | null, to: string | null): Promise<AnalyticsWindow & AnalyticsSummary> {
    const window = analyticsWindow(from, to, this.clock.now());
    const { totals, deliveryTimes } = await this.readModel.totals(window);
    return { ...window, ...summaryOf(totals, deliveryTimes) };
  }

  /** One point per minute or hour starting in [from, to), as the summary counts them; empty ones included. */
  async timeseries(from: string | null, to: string | null, interval: string | null): Promise<{ interval: SeriesInterval; points: TimeseriesPoint[] }> {
    const window = analyticsWindow(from, to, this.clock.now());
    const step = seriesInterval(interval, window);
    const found = new Map((await this.readModel.series(window, step)).map((p) => [p.at.getTime(), p]));
    const size = INTERVAL_MS[step];
    const points: TimeseriesPoint[] = [];
    for (let at = Math.ceil(window.from.getTime() / size) * size; at < window.to.getTime(); at += size) {
      points.push(pointOf(new Date(at), found.get(at)));
    }
    return { interval: step, points };
  }
}

function pointOf(at: Date, found: SeriesPoint | undefined): TimeseriesPoint {
  const totals = found?.totals ?? [];
  const count = (status: string) => totals.filter((t) => t.status === status).reduce((sum, t) => sum + t.count, 0);
  const deliveryTimeMs = percentilesOf(found?.deliveryTimes ?? { count: 0, totalMs: 0, buckets: [] });
  return { at, sent: count('sent'), failed: count('failed'), suppressed: count('suppressed'), deliveryTimeMs, failureReasons: failureReasonsOf(totals) };
}
