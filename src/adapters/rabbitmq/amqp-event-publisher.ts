import type { ChannelModel, ConfirmChannel } from 'amqplib';
import type { EventPublisher, OutboundEvent } from '../../application/ports/event-publisher.js';
import type { Logger } from '../observability/logger.js';

/** The broker confirmed a message that no queue took (mandatory flag, basic.return). */
export class UnroutableError extends Error {}

/** No channel to publish on right now: the broker is away and the session reconnecting. */
export class BrokerUnavailableError extends Error {}

/** amqplib refused to encode the message (it throws before sending): publishing it again would only throw again. */
export class UnencodableError extends Error {}

/** Names the outbox row a raw message (a replay) comes from: a return is matched by it, as a replay may carry no message id. */
export const OUTBOX_ID_HEADER = 'x-outbox-id';

/** What a return or a confirm is matched by: the outbox row's id, in the message id of an event, in a header of a replay. */
function returnKey(properties: { readonly messageId?: unknown; readonly headers?: Readonly<Record<string, unknown>> }): string | null {
  const fromHeader = properties.headers?.[OUTBOX_ID_HEADER];
  if (typeof fromHeader === 'string') return fromHeader;
  return typeof properties.messageId === 'string' ? properties.messageId : null;
}

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
      const key = returnKey(message.properties as { messageId?: unknown; headers?: Record<string, unknown> });
      if (key !== null) this.returned.add(key);
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
        if (this.returned.delete(event.eventId)) return reject(new UnroutableError(`no queue is bound for ${routingKey}`));
        resolve();
      };
      try {
        channel.publish(exchange, routingKey, content, options, settle);
      } catch (error) {
        // A TypeError or RangeError is thrown before anything was sent: amqplib could not encode the headers or properties.
        settle(error instanceof TypeError || error instanceof RangeError ? new UnencodableError(error.message) : error);
      }
    });
  }
}

/**
 * The message as published: an event as JSON, or a raw message (a dead letter's replay) as it was
 * received, with its own headers, message id (none when it had none: the consumer's inbox then
 * keys it by its body, as it keyed the original) and content type, and the outbox row's id in
 * `x-outbox-id`. A return is matched by the outbox row's id.
 */
function message(event: OutboundEvent) {
  const common = { persistent: true, mandatory: true, correlationId: event.correlationId ?? undefined, timestamp: Math.floor(Date.now() / 1000), appId: 'notification-service' };
  const { raw } = event;
  if (!raw) {
    const options = { ...common, contentType: 'application/json', messageId: event.eventId, type: event.className, headers: { event_type: event.className } };
    return { content: Buffer.from(JSON.stringify(event.body)), options };
  }
  const headers = { ...raw.headers, [OUTBOX_ID_HEADER]: event.eventId };
  const options = { ...common, contentType: raw.contentType ?? undefined, messageId: raw.messageId ?? undefined, type: event.className || undefined, headers };
  return { content: Buffer.from(raw.body), options };
}
