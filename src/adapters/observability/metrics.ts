import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FallbackReason, ReadRoutingMetrics } from '../postgres/read-router.js';

// prom-client's defaults that `promtool check metrics` rejects: gauges named like counters.
// The same figures are exported without the suffix.
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** Every metric of one container, on its own Registry (docs/architecture.md, rule 11). */
export class ServiceMetrics implements ReadRoutingMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'notification_http_requests_total',
    help: 'HTTP requests served, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'notification_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly messagesHandled = new Counter({
    name: 'notification_bus_messages_handled_total',
    help: 'Commands and domain events handled by the message bus, by message type.',
    labelNames: ['message_type'] as const,
    registers: [this.registry],
  });

  readonly eventHandlerFailures = new Counter({
    name: 'notification_bus_event_handler_failures_total',
    help: 'Domain event handlers that threw, by event type and handler.',
    labelNames: ['event_type', 'handler'] as const,
    registers: [this.registry],
  });

  readonly standbyFallbacks = new Counter({
    name: 'notification_standby_read_fallbacks_total',
    help: 'Reads meant for the standby that went to the primary, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly replicationLagSeconds = new Gauge({
    name: 'notification_replication_lag_seconds',
    help: 'Replay lag of the standby in seconds at the last reading (NaN when unknown).',
    registers: [this.registry],
  });

  readonly eventsConsumed = new Counter({
    name: 'notification_events_consumed_total',
    help: 'Inbound events taken from the queue, by event type (unknown for any type the service does not know) and outcome (processed, duplicate, dead_lettered, requeued).',
    labelNames: ['event_type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly deadLettered = new Counter({
    name: 'notification_dead_lettered_total',
    help: 'Inbound messages the service sent to the dead-letter queue, by reason (too_large, unparseable, too_deep, unknown_event_type, invalid_payload, payload_conflict, delivery_limit).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly deadLettersStored = new Counter({
    name: 'notification_dead_letters_stored_total',
    help: 'Messages of the dead-letter queue the mover took, by reason and outcome (stored; duplicate: stored before, a redelivery).',
    labelNames: ['reason', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly notifications = new Counter({
    name: 'notification_notifications_total',
    help: 'Notifications reaching a status, by type, channel and status.',
    labelNames: ['type', 'channel', 'status'] as const,
    registers: [this.registry],
  });

  readonly sendAttempts = new Counter({
    name: 'notification_send_attempts_total',
    help: 'Attempts to hand a notification to its provider, by channel and outcome.',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly deliveryLatency = new Histogram({
    name: 'notification_delivery_latency_seconds',
    help: 'Seconds from the arrival of the cause (event or request) to acceptance by the provider.',
    labelNames: ['type'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [this.registry],
  });

  readonly retries = new Counter({
    name: 'notification_retries_total',
    help: 'Attempts scheduled again after a transient or ambiguous failure.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly ambiguousResends = new Counter({
    name: 'notification_ambiguous_resends_total',
    help: 'Resends, with the same id (Message-ID, webhook-id), of a send that may have arrived: counted when a lease expired mid-send, and when the connection died after the request was sent.',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  readonly circuitState = new Gauge({
    name: 'notification_circuit_state',
    help: 'State of each channel circuit breaker: 0 closed, 1 half-open, 2 open.',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  readonly sendsDeferred = new Counter({
    name: 'notification_sends_deferred_total',
    help: 'Sends answered provider-down (the provider as a whole failing, or its circuit open): rescheduled, no attempt used.',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  readonly providerConfigurationFaults = new Counter({
    name: 'notification_provider_configuration_faults_total',
    help: 'Provider answers only an operator can fix (credentials refused, such as SMTP 535), by channel.',
    labelNames: ['channel'] as const,
    registers: [this.registry],
  });

  readonly leaseRenewalFailures = new Counter({
    name: 'notification_lease_renewal_failures_total',
    help: 'Renewals of in-flight claims that failed (the database did not answer); renewed again shortly.',
    registers: [this.registry],
  });

  readonly retentionPruned = new Counter({
    name: 'notification_retention_pruned_rows_total',
    help: 'Rows deleted (or secrets erased) by retention, by table.',
    labelNames: ['table'] as const,
    registers: [this.registry],
  });

  readonly analyticsFoldFailures = new Counter({
    name: 'notification_analytics_fold_failures_total',
    help: 'Retention runs whose folding of the analytics shards failed (the prunes ran all the same).',
    registers: [this.registry],
  });
  readonly outboxPublished = new Counter({
    name: 'notification_outbox_published_total',
    help: 'Outbound events confirmed by the broker, by routing key.',
    labelNames: ['routing_key'] as const,
    registers: [this.registry],
  });

  readonly outboxPublishFailures = new Counter({
    name: 'notification_outbox_publish_failures_total',
    help: 'Outbound events the broker did not take (unroutable, nacked, no confirm), kept to publish again.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly outboxBacklog = new Gauge({
    name: 'notification_outbox_backlog',
    help: 'Outbound events written but not yet confirmed by the broker, at the last reading.',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const name of MISNAMED_DEFAULTS) this.registry.removeSingleMetric(name);
  }

  fellBack(reason: FallbackReason): void {
    this.standbyFallbacks.inc({ reason });
  }

  replicationLag(seconds: number | null): void {
    this.replicationLagSeconds.set(seconds ?? Number.NaN);
  }

  /** The sum of a counter over all its label sets. */
  async total(counter: Counter<string>): Promise<number> {
    const { values } = await counter.get();
    return values.reduce((sum, v) => sum + v.value, 0);
  }
}
