import type {
  AnalyticsCounts,
  AnalyticsReadModel,
  AnalyticsWindow,
  CountedOutcome,
  DeliveryTimes,
  OutcomeTotal,
  SeriesInterval,
  SeriesPoint,
} from '../../src/application/ports/analytics.js';
import { histogramOf } from '../../src/domain/delivery-time-histogram.js';

/** Keeps what one unit of work counted; the fake unit of work adds it to the store on commit. */
export class FakeAnalyticsCounts implements AnalyticsCounts {
  readonly counted: CountedOutcome[] = [];

  count(outcome: CountedOutcome): void {
    this.counted.push(outcome);
  }
}

/** Sums the counted outcomes themselves (the real read model's periods are tested against PostgreSQL). */
export class FakeAnalyticsReadModel implements AnalyticsReadModel {
  constructor(private readonly outcomes: () => readonly CountedOutcome[]) {}

  async totals(window: AnalyticsWindow) {
    const inside = this.outcomes().filter((o) => o.at >= window.from && o.at < window.to);
    return { totals: totalsOf(inside), deliveryTimes: timesOf(inside) };
  }

  async series(window: AnalyticsWindow, interval: SeriesInterval): Promise<SeriesPoint[]> {
    const size = interval === 'minute' ? 60_000 : 3_600_000;
    const groups = new Map<number, CountedOutcome[]>();
    for (const o of this.outcomes().filter((o) => o.at < window.to)) {
      const at = Math.floor(o.at.getTime() / size) * size;
      if (at >= window.from.getTime()) groups.set(at, [...(groups.get(at) ?? []), o]);
    }
    return [...groups].map(([at, group]) => ({ at: new Date(at), totals: totalsOf(group), deliveryTimes: timesOf(group) }));
  }
}

function totalsOf(outcomes: readonly CountedOutcome[]): OutcomeTotal[] {
  const totals = new Map<string, OutcomeTotal>();
  for (const { channel, type, status, reason } of outcomes) {
    const key = [channel, type, status, reason].join('/');
    totals.set(key, { channel, type, status, reason, count: (totals.get(key)?.count ?? 0) + 1 });
  }
  return [...totals.values()];
}

function timesOf(outcomes: readonly CountedOutcome[]): DeliveryTimes {
  const times = outcomes.flatMap((o) => (o.deliveryTimeMs === null ? [] : [o.deliveryTimeMs]));
  return { count: times.length, totalMs: times.reduce((sum, ms) => sum + ms, 0), buckets: histogramOf(times) };
}
