import type { RequestHandler } from 'express';
import { correlationIdFrom } from '../../adapters/observability/correlation.js';
import type { Logger } from '../../adapters/observability/logger.js';
import type { ServiceMetrics } from '../../adapters/observability/metrics.js';

const QUIET_ROUTES = new Set(['/healthz', '/readyz', '/broker/health', '/health', '/v1/health', '/broker/prometheus']);

/**
 * Gives each request its correlation id (X-Correlation-ID, honoured and echoed), and on finish
 * counts and times it by route template and writes one log line.
 */
export function observeRequests(logger: Logger, metrics: ServiceMetrics): RequestHandler {
  return (req, res, next) => {
    const correlationId = correlationIdFrom(req.get('x-correlation-id'));
    res.locals.correlationId = correlationId;
    res.setHeader('X-Correlation-ID', correlationId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = req.route ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      // Probes and scrapes come every few seconds from machines: at info they would drown the rest.
      const level = QUIET_ROUTES.has(route) && res.statusCode < 400 ? 'debug' : 'info';
      logger[level](
        { correlation_id: correlationId, method: req.method, route, path: req.path, status: res.statusCode, duration_ms: Math.round(seconds * 1000) },
        'request completed',
      );
    });
    next();
  };
}
