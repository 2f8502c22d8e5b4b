import { percentile } from '../../domain/delivery-time-histogram.js';
import type { DeliveryTimes, OutcomeTotal } from '../ports/analytics.js';

export interface DeliveryRate {
  readonly delivered: number;
  readonly total: number;
  readonly rate: number;
}

export interface Percentiles {
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
}

/** What a window's aggregates add up to (docs/adr/0025-analytics-from-minute-aggregates.md). */
export interface AnalyticsSummary {
  /** Final outcomes: sent, failed, suppressed. */
  readonly total: number;
  readonly byStatus: Readonly<Record<string, number>>;
  readonly byType: Readonly<Record<string, number>>;
  /** Sent (accepted by the provider) out of every final outcome on the channel. */
  readonly byChannelDeliveryRates: Readonly<Record<string, DeliveryRate>>;
  readonly avgDeliveryTimeMs: number | null;
  readonly deliveryTimeMs: Percentiles;
  /** Failed notifications by reason. */
  readonly failureReasons: Readonly<Record<string, number>>;
  /** Delivery receipts, apart from the outcomes (a receipt changes no status). */
  readonly receipts: { readonly delivered: number; readonly undelivered: number };
}

const FINAL = new Set(['sent', 'failed', 'suppressed']);

export function summaryOf(totals: readonly OutcomeTotal[], times: DeliveryTimes): AnalyticsSummary {
  const outcomes = totals.filter((t) => FINAL.has(t.status));
  const channels: Record<string, DeliveryRate> = {};
  for (const [channel, total] of Object.entries(sumBy(outcomes, (t) => t.channel))) {
    const delivered = outcomes.filter((t) => t.channel === channel && t.status === 'sent').reduce((sum, t) => sum + t.count, 0);
    channels[channel] = { delivered, total, rate: total === 0 ? 0 : delivered / total };
  }
  const receipts = sumBy(totals.filter((t) => !FINAL.has(t.status)), (t) => t.status);
  return {
    total: outcomes.reduce((sum, t) => sum + t.count, 0),
    byStatus: sumBy(outcomes, (t) => t.status),
    byType: sumBy(outcomes, (t) => t.type),
    byChannelDeliveryRates: channels,
    avgDeliveryTimeMs: times.count === 0 ? null : Math.round(times.totalMs / times.count),
    deliveryTimeMs: percentilesOf(times),
    failureReasons: failureReasonsOf(totals),
    receipts: { delivered: receipts.delivered ?? 0, undelivered: receipts.undelivered ?? 0 },
  };
}

export function failureReasonsOf(totals: readonly OutcomeTotal[]): Record<string, number> {
  return sumBy(
    totals.filter((t) => t.status === 'failed'),
    (t) => t.reason ?? 'unknown',
  );
}

export function percentilesOf({ buckets }: DeliveryTimes): Percentiles {
  return { p50: percentile(buckets, 0.5), p95: percentile(buckets, 0.95), p99: percentile(buckets, 0.99) };
}

export function sumBy(totals: readonly OutcomeTotal[], key: (t: OutcomeTotal) => string): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const t of totals) sums[key(t)] = (sums[key(t)] ?? 0) + t.count;
  return sums;
}
