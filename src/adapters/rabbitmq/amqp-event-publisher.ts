import type { ChannelModel, ConfirmChannel } from 'amqplib';
import type { EventPublisher, OutboundEvent } from '../../application/ports/event-publisher.js';
import type { Logger } from '../observability/logger.js';

/** The broker confirmed a message that no queue took (mandatory flag, basic.return). */
export class UnroutableError extends Error {}

/** No channel to publish on right now: the broker is away and the session reconnecting. */
export class BrokerUnavailableError extends Error {}

/**
 * Publishes on a confirm channel, persistent and mandatory: to the events exchange by the event's
 * routing key, or, for an event `toOwnQueue`, through the default exchange to the service's own
 * queue only (docs/adr/0028-publishing-and-bulk-retry.md). A publish resolves only on a confirm
 * not preceded by a return (a confirm alone does not mean a queue took it: RabbitMQ confirms unroutable messages too); a
 * return, a nack, a closed channel or no confirm within the timeout reject, and the caller keeps
 * the event to publish again.
 */
export class AmqpEventPublisher implements EventPublisher {
  private channel: ConfirmChannel | null = null;
  private blocked = false;
  private readonly returned = new Set<string>();

  constructor(
    private readonly exchange: string,
    private readonly confirmTimeoutMs: number,
    private readonly logger: Logger,
    /** The service's own queue: an event `toOwnQueue` goes there through the default exchange, and nowhere else. */
    private readonly ownQueue: string | null = null,
  ) {}

  readonly setup = async (connection: ChannelModel, lost: (reason: string) => void): Promise<void> => {
    // A broker short of disk or memory blocks publishing connections: publishes would only pile up
    // unconfirmed and be retried, so the relay waits while `ready` is false.
    this.blocked = false;
    connection.on('blocked', () => {
      this.blocked = true;
    });
    connection.on('unblocked', () => {
      this.blocked = false;
    });
    const channel = await connection.createConfirmChannel();
    channel.on('return', (message) => {
      const id = message.properties.messageId as unknown;
      if (typeof id === 'string') this.returned.add(id);
    });
    let closedBecause = '';
    channel.on('error', (error: Error) => {
      closedBecause = `: ${error.message}`;
      this.logger.warn({ err: error }, 'publisher channel error');
    });
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = null;
      lost(`publisher channel closed${closedBecause}`);
    });
    this.channel = channel;
  };

  get ready(): boolean {
    return this.channel !== null && !this.blocked;
  }

  publish(event: OutboundEvent): Promise<void> {
    const channel = this.channel;
    if (!channel) return Promise.reject(new BrokerUnavailableError('no broker connection'));
    const { content, options } = message(event);
    const exchange = event.toOwnQueue ? '' : this.exchange;
    const routingKey = event.toOwnQueue ? this.ownQueue : event.routingKey;
    if (routingKey === null) return Promise.reject(new UnroutableError('no own queue is configured for an event to the service itself'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no confirm within ${this.confirmTimeoutMs} ms`)), this.confirmTimeoutMs);
      const settle = (error: unknown) => {
        clearTimeout(timer);
        if (error) return reject(error instanceof Error ? error : new Error(String(error)));
        if (this.returned.delete(options.messageId)) return reject(new UnroutableError(`no queue is bound for ${routingKey}`));
        resolve();
      };
      try {
        channel.publish(exchange, routingKey, content, options, settle);
      } catch (error) {
        settle(error);
      }
    });
  }
}

/**
 * The message as published: an event as JSON, or a raw message (a dead letter's replay) as it was
 * received, with its own headers, message id and content type. A return is matched by message id.
 */
function message(event: OutboundEvent) {
  const common = { persistent: true, mandatory: true, correlationId: event.correlationId ?? undefined, timestamp: Math.floor(Date.now() / 1000), appId: 'notification-service' };
  const { raw } = event;
  if (!raw) {
    const options = { ...common, contentType: 'application/json', messageId: event.eventId, type: event.className, headers: { event_type: event.className } };
    return { content: Buffer.from(JSON.stringify(event.body)), options };
  }
  const options = { ...common, contentType: raw.contentType ?? undefined, messageId: raw.messageId ?? event.eventId, type: event.className || undefined, headers: raw.headers };
  return { content: Buffer.from(raw.body), options };
}
