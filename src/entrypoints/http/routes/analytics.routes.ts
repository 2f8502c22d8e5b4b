import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { AnalyticsSummaryQuery, AnalyticsSummaryResponse, AnalyticsTimeseriesQuery, AnalyticsTimeseriesResponse, pointJson, summaryJson } from '../analytics-schemas.js';

/** Delivery analytics for the console, from the per-minute aggregates (docs/adr/0025-analytics-from-minute-aggregates.md). */
export function analyticsRoutes(api: Api, { queries }: HttpDeps): void {
  api.route({
    method: 'get',
    path: '/analytics/summary',
    summary: 'Outcomes, delivery rates per channel, delivery times and failure reasons over a window (default: the last 24 hours)',
    tag: 'analytics',
    scope: 'analytics:read',
    query: AnalyticsSummaryQuery,
    responses: { 200: { description: 'The window, whole minutes', schema: AnalyticsSummaryResponse } },
    handle: async ({ query }, res) => {
      res.json(summaryJson(await queries.analytics.summary(query.from ?? null, query.to ?? null)));
    },
  });

  api.route({
    method: 'get',
    path: '/analytics/timeseries',
    summary: 'Sent, failed and suppressed, delivery time percentiles and failure reasons per minute or hour',
    tag: 'analytics',
    scope: 'analytics:read',
    query: AnalyticsTimeseriesQuery,
    responses: { 200: { description: 'One point per period starting in the window, oldest first', schema: AnalyticsTimeseriesResponse } },
    handle: async ({ query }, res) => {
      const { interval, points } = await queries.analytics.timeseries(query.from ?? null, query.to ?? null, query.interval ?? null);
      res.json({ interval, points: points.map(pointJson) });
    },
  });
}
