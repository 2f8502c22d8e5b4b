import { OUTCOME_ROUTING_KEYS } from '../../application/integration-events.js';
import type { EventPublisher, OutboundEvent } from '../../application/ports/event-publisher.js';
import type { OutcomeStream } from '../../application/ports/outcome-stream.js';
import type { Logger } from '../../adapters/observability/logger.js';
import type { ServiceMetrics } from '../../adapters/observability/metrics.js';
import type { KyselyOutboxRelayStore, PublishOutcome } from '../../adapters/postgres/outbox-relay.store.js';
import { UnencodableError, UnroutableError } from '../../adapters/rabbitmq/amqp-event-publisher.js';
import { isKnownEventType } from '../amqp/event-types.js';
import type { OutboxConfig } from '../config.js';
import { PollLoop } from './poll-loop.js';

const BACKLOG_EVERY_MS = 2_000;

/** The routing keys the service publishes of its own; with the known inbound types, the metric's whole label set. */
const OWN_ROUTING_KEYS: ReadonlySet<string> = new Set(['notification.sent', 'notification.failed', 'notification.preferences_created', 'notification.preferences_updated']);

/**
 * A routing key as a metric label, from a closed set: a REST publish (POST /events/publish) may
 * choose any bound key, and a replayed dead letter's came from outside (ADR 24).
 */
export function routingKeyLabel(event: OutboundEvent): string {
  if (event.raw) return 'replay';
  return OWN_ROUTING_KEYS.has(event.routingKey) || isKnownEventType(event.routingKey) ? event.routingKey : 'other';
}

/** What the relay uses of the outbox table. */
export type OutboxRelayStore = Pick<KyselyOutboxRelayStore, 'relayBatch' | 'backlog'>;

/**
 * Publishes outbox rows to the broker; marks them published only on a clean confirm. An outcome
 * the broker confirmed is then copied to the admin streams (`outcomes`, ADR 19): on the side,
 * never awaited, never a reason to keep or retry a row.
 */
export class OutboxRelay {
  private readonly loop: PollLoop;
  private backlogReadAt = 0;
  private backlogReading: number | null = null;

  constructor(
    private readonly store: OutboxRelayStore,
    private readonly publisher: EventPublisher & { readonly ready: boolean },
    private readonly config: OutboxConfig,
    private readonly metrics: ServiceMetrics,
    private readonly logger: Logger,
    private readonly outcomes: OutcomeStream | null = null,
  ) {
    this.loop = new PollLoop(() => this.tick(), config.pollIntervalMs, (error, failures) => logger.warn({ err: error, consecutive_failures: failures }, 'outbox relay failed; retrying'));
  }

  start(): void {
    this.loop.start();
  }

  /** New rows were committed: relay them now rather than at the next poll. */
  poke(): void {
    this.loop.poke();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /**
   * Unpublished rows at the relay's last reading (every couple of seconds while it runs), so a
   * health probe never counts the table itself; null before the first reading.
   */
  get backlog(): number | null {
    return this.backlogReading;
  }

  private async tick(): Promise<boolean> {
    await this.housekeeping();
    if (!this.publisher.ready) return false;
    const result = await this.store.relayBatch(this.config.batchSize, (events) => this.publishAll(events));
    if (result.failed > 0) this.logger.warn({ failed: result.failed, published: result.published }, 'outbox events not taken by the broker; kept for later');
    return result.claimed === this.config.batchSize && result.failed === 0;
  }

  private async publishAll(events: OutboundEvent[]): Promise<PublishOutcome[]> {
    const settled = await Promise.allSettled(events.map((event) => this.publisher.publish(event)));
    return settled.map((s, i) => {
      const event = events[i];
      if (s.status === 'fulfilled') {
        if (event) this.metrics.outboxPublished.inc({ routing_key: routingKeyLabel(event) });
        if (event && !event.raw && OUTCOME_ROUTING_KEYS.includes(event.routingKey)) this.copyOutcome(event);
        return { ok: true };
      }
      const reason = s.reason instanceof UnroutableError ? 'unroutable' : s.reason instanceof UnencodableError ? 'unencodable' : 'not_confirmed';
      this.metrics.outboxPublishFailures.inc({ reason });
      const error = s.reason instanceof Error ? s.reason.message : String(s.reason);
      // A replay amqplib cannot encode throws the same way every time: parked, not retried (ADR 24).
      return { ok: false, reason, error, permanent: reason === 'unencodable' && event?.raw !== undefined };
    });
  }

  /** The stream relay counts and logs its own failures; whatever else goes wrong stays out of the outbox. */
  private copyOutcome(event: OutboundEvent): void {
    try {
      this.outcomes?.publishOutcome(event);
    } catch (error) {
      this.logger.debug({ err: error, event_id: event.eventId }, 'an outcome was not copied to the admin streams');
    }
  }

  private async housekeeping(): Promise<void> {
    const now = Date.now();
    if (now - this.backlogReadAt < BACKLOG_EVERY_MS) return;
    this.backlogReadAt = now;
    this.backlogReading = await this.store.backlog();
    this.metrics.outboxBacklog.set(this.backlogReading);
  }
}
