import type { Api } from '../api.js';
import type { HttpDeps } from '../http-deps.js';
import { z } from '../zod.js';

const Status = z.object({ status: z.string() }).openapi('Status');
const HealthResponse = z
  .object({
    status: z.enum(['healthy', 'degraded', 'unhealthy']),
    components: z.record(z.string(), z.object({ status: z.enum(['up', 'degraded', 'down', 'not_configured']) }).loose()),
  })
  .openapi('Health');

export function opsRoutes(api: Api, { health, readiness, metrics }: HttpDeps): void {
  api.route({
    method: 'get',
    path: '/healthz',
    summary: 'Liveness: the process answers',
    description: 'Checks nothing else: a restart cannot fix a database or broker outage, so they never fail liveness.',
    tag: 'operations',
    responses: { 200: { description: 'Alive', schema: Status } },
    handle: async (_input, res) => {
      res.json({ status: 'ok' });
    },
  });

  api.route({
    method: 'get',
    path: '/readyz',
    summary: 'Readiness: whether this instance can serve the REST API',
    description:
      '200 when the primary answers `select 1` (read at most once a second) and no shutdown is under way; 503 otherwise. ' +
      'A broker outage does not make an instance unready: writes go through the outbox and are published when the broker is back. It shows in /broker/health.',
    tag: 'operations',
    responses: { 200: { description: 'Ready', schema: Status }, 503: { description: 'Not ready' } },
    handle: async (_input, res) => {
      const ready = await readiness.ready();
      res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready' });
    },
  });

  api.route({
    method: 'get',
    path: '/broker/health',
    summary: 'Health per component: primary, standby (with replication lag), rabbitmq, smtp, outbox',
    description:
      'Each component is checked at once, each within 3 s: `primary` runs `select 1` (down makes the whole report unhealthy and the answer 503); ' +
      '`standby` reads its replay lag (degraded past STANDBY_MAX_LAG_SECONDS, reads then go to the primary); `rabbitmq` gives the connection state, ' +
      'whether the consumer runs and whether the broker policies are evidently in effect (down while the broker is away: events wait, nothing is lost); ' +
      '`smtp` gives the circuit breaker state, the reason of a configuration fault such as refused credentials (SMTP 535), and a login probe at most every 15 s; ' +
      '`outbox` gives the unpublished backlog as the relay last counted it (degraded from 10,000). No probe counts a table.',
    tag: 'operations',
    responses: {
      200: { description: 'Healthy or degraded', schema: HealthResponse },
      503: { description: 'Unhealthy (a critical component is down)' },
    },
    handle: async (_input, res) => {
      const report = await health.report();
      res.status(report.status === 'unhealthy' ? 503 : 200).json(report);
    },
  });

  // The paths the earlier systems' deployments probe (seed 001's /v1/health, the others' /health): the same report.
  for (const path of ['/health', '/v1/health']) {
    api.route({
      method: 'get',
      path,
      summary: 'The health report of /broker/health, at the path earlier deployments probe',
      tag: 'operations',
      responses: { 200: { description: 'Healthy or degraded', schema: HealthResponse }, 503: { description: 'Unhealthy (a critical component is down)' } },
      handle: async (_input, res) => {
        const report = await health.report();
        res.status(report.status === 'unhealthy' ? 503 : 200).json(report);
      },
    });
  }

  api.route({
    method: 'get',
    path: '/broker/metrics',
    summary: 'JSON summary: consumed, dead-lettered, published, sent, failed, retries, and each connection state',
    tag: 'operations',
    scope: 'notifications:read',
    responses: { 200: { description: 'Summary', schema: z.record(z.string(), z.unknown()).openapi('MetricsSummary') } },
    handle: async (_input, res) => {
      const report = await health.report();
      const byLabel = async (counter: Parameters<typeof metrics.total>[0], label: string, value: string) =>
        (await counter.get()).values.filter((v) => v.labels[label] === value).reduce((sum, v) => sum + v.value, 0);
      res.json({
        consumed: await metrics.total(metrics.eventsConsumed),
        dead_lettered: await metrics.total(metrics.deadLettered),
        published: await metrics.total(metrics.outboxPublished),
        sent: await byLabel(metrics.notifications, 'status', 'sent'),
        failed: await byLabel(metrics.notifications, 'status', 'failed'),
        suppressed: await byLabel(metrics.notifications, 'status', 'suppressed'),
        // Held for the recipients' quiet hours when recorded (ADR 22).
        scheduled: await byLabel(metrics.notifications, 'status', 'scheduled'),
        retries: await metrics.total(metrics.retries),
        ambiguous_resends: await metrics.total(metrics.ambiguousResends),
        http_requests: await metrics.total(metrics.httpRequests),
        standby_read_fallbacks: await metrics.total(metrics.standbyFallbacks),
        event_handler_failures: await metrics.total(metrics.eventHandlerFailures),
        connections: Object.fromEntries(Object.entries(report.components).map(([name, c]) => [name, c.status])),
      });
    },
  });

  api.route({
    method: 'get',
    path: '/broker/prometheus',
    summary: 'Prometheus metrics (text exposition format)',
    tag: 'operations',
    responses: { 200: { description: 'Metrics', schema: z.string() } },
    handle: async (_input, res) => {
      const { registry } = metrics;
      res.type(registry.contentType).send(await registry.metrics());
    },
  });
}
