import type { EventPublisher, OutboundEvent } from '../../application/ports/event-publisher.js';
import type { Logger } from '../../adapters/observability/logger.js';
import type { ServiceMetrics } from '../../adapters/observability/metrics.js';
import type { KyselyOutboxRelayStore, PublishOutcome } from '../../adapters/postgres/outbox-relay.store.js';
import { UnroutableError } from '../../adapters/rabbitmq/amqp-event-publisher.js';
import type { OutboxConfig } from '../config.js';
import { PollLoop } from './poll-loop.js';

const HOUSEKEEPING_EVERY_MS = 60_000;
const BACKLOG_EVERY_MS = 2_000;

/** Publishes outbox rows to the broker; marks them published only on a clean confirm. */
export class OutboxRelay {
  private readonly loop: PollLoop;
  private lastHousekeeping = 0;
  private lastBacklog = 0;

  constructor(
    private readonly store: KyselyOutboxRelayStore,
    private readonly publisher: EventPublisher & { readonly ready: boolean },
    private readonly config: OutboxConfig,
    private readonly metrics: ServiceMetrics,
    private readonly logger: Logger,
  ) {
    this.loop = new PollLoop(() => this.tick(), config.pollIntervalMs, (error) => logger.warn({ err: error }, 'outbox relay failed; retrying'));
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

  /** Last reading of unpublished rows (refreshed every couple of seconds). */
  async backlog(): Promise<number> {
    const backlog = await this.store.backlog();
    this.metrics.outboxBacklog.set(backlog);
    return backlog;
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
      if (s.status === 'fulfilled') {
        this.metrics.outboxPublished.inc({ routing_key: events[i]?.routingKey ?? 'unknown' });
        return { ok: true };
      }
      const reason = s.reason instanceof UnroutableError ? 'unroutable' : 'not_confirmed';
      this.metrics.outboxPublishFailures.inc({ reason });
      return { ok: false, reason, error: s.reason instanceof Error ? s.reason.message : String(s.reason) };
    });
  }

  private async housekeeping(): Promise<void> {
    const now = Date.now();
    if (now - this.lastBacklog >= BACKLOG_EVERY_MS) {
      this.lastBacklog = now;
      await this.backlog();
    }
    if (now - this.lastHousekeeping >= HOUSEKEEPING_EVERY_MS) {
      this.lastHousekeeping = now;
      const deleted = await this.store.clean(this.config.retentionHours);
      if (deleted > 0) this.logger.info({ deleted }, 'published outbox rows cleaned');
    }
  }
}
