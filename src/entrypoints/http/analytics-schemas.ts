import type { AnalyticsSummary } from '../../application/analytics/analytics-summary.js';
import type { AnalyticsWindow } from '../../application/ports/analytics.js';
import type { TimeseriesPoint } from '../../application/queries/analytics.query.js';
import { z } from './zod.js';

const instant = (description: string) => z.string().max(64).optional().openapi({ description, example: '2026-12-01T09:00:00Z' });

export const AnalyticsSummaryQuery = z.strictObject({
  from: instant('ISO-8601 with an offset; default: 24 hours before to. At most 400 days before to.'),
  to: instant('ISO-8601 with an offset; default: now'),
});

export const AnalyticsTimeseriesQuery = AnalyticsSummaryQuery.extend({
  interval: z.string().max(16).optional().openapi({ description: 'minute (windows of up to 24 hours) or hour (the default)' }),
});

const Counts = z.record(z.string(), z.number().int());
const Percentiles = z
  .object({ p50: z.number().int().nullable(), p95: z.number().int().nullable(), p99: z.number().int().nullable() })
  .openapi('DeliveryTimePercentiles', { description: 'Milliseconds from creation to acceptance by the provider, within 9.1%; null when nothing was sent' });

export const AnalyticsSummaryResponse = z
  .object({
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    total: z.number().int().openapi({ description: 'Notifications that reached a final outcome (sent, failed, suppressed) in the window' }),
    by_status: Counts,
    by_type: Counts,
    by_channel_delivery_rates: z.record(z.string(), z.object({ delivered: z.number().int(), total: z.number().int(), rate: z.number() })),
    avg_delivery_time_ms: z.number().int().nullable(),
    delivery_time_ms: Percentiles,
    failure_reasons: Counts,
    receipts: z.object({ delivered: z.number().int(), undelivered: z.number().int() }),
  })
  .openapi('AnalyticsSummary');

export const AnalyticsTimeseriesResponse = z
  .object({
    interval: z.enum(['minute', 'hour']),
    points: z.array(
      z.object({ at: z.iso.datetime(), sent: z.number().int(), failed: z.number().int(), suppressed: z.number().int(), delivery_time_ms: Percentiles, failure_reasons: Counts }),
    ),
  })
  .openapi('AnalyticsTimeseries');

export function summaryJson(s: AnalyticsWindow & AnalyticsSummary) {
  return {
    from: s.from.toISOString(),
    to: s.to.toISOString(),
    total: s.total,
    by_status: s.byStatus,
    by_type: s.byType,
    by_channel_delivery_rates: s.byChannelDeliveryRates,
    avg_delivery_time_ms: s.avgDeliveryTimeMs,
    delivery_time_ms: s.deliveryTimeMs,
    failure_reasons: s.failureReasons,
    receipts: s.receipts,
  };
}

export function pointJson(p: TimeseriesPoint) {
  return { at: p.at.toISOString(), sent: p.sent, failed: p.failed, suppressed: p.suppressed, delivery_time_ms: p.deliveryTimeMs, failure_reasons: p.failureReasons };
}
