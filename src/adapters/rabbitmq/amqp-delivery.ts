import type { ConsumeMessage } from 'amqplib';

export interface Delivery {
  readonly body: Buffer;
  readonly routingKey: string;
  readonly type: string | undefined;
  readonly messageId: string | undefined;
  readonly correlationId: string | undefined;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly redelivered: boolean;
  /** The exchange it was published to (the dead-letter exchange, for the dead-letter queue's messages). */
  readonly exchange?: string;
  readonly contentType?: string;
  /** The AMQP timestamp property, in seconds. */
  readonly timestamp?: number;
}

export type Disposition =
  | { readonly kind: 'ack' }
  /** Can never be processed: published to the dead-letter exchange with the reason, then acked. */
  | { readonly kind: 'dead_letter'; readonly reason: string; readonly detail: string }
  /** Failed for a reason that may pass: back to the queue (counts against the delivery limit). */
  | { readonly kind: 'requeue' };

/** Handles one delivery. `mayWait()` turns false when its channel closed or the consumer is stopping: stop waiting on it. */
export type DeliveryHandler = (delivery: Delivery, mayWait: () => boolean) => Promise<Disposition>;

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * How many times the broker delivered this message before: a quorum queue sets `x-delivery-count`
 * on every redelivery (checked on RabbitMQ 3.10.8 without any policy: absent on the first delivery,
 * then 1, 2, 3...), counting requeues and connections lost before the ack. On a first delivery
 * (`redelivered` false) the header is the publisher's own, passed through unchanged: trusted, a
 * valid event published with `x-delivery-count: 25`, or a dead letter replayed with its count, would
 * be dead-lettered unprocessed as past the limit.
 */
export function deliveryCount(message: ConsumeMessage): number {
  if (!message.fields.redelivered) return 0;
  const count = message.properties.headers?.['x-delivery-count'] as unknown;
  return typeof count === 'number' && Number.isInteger(count) && count > 0 ? count : 0;
}

export function toDelivery(message: ConsumeMessage): Delivery {
  return {
    body: message.content,
    routingKey: message.fields.routingKey,
    type: text(message.properties.type),
    messageId: text(message.properties.messageId),
    correlationId: text(message.properties.correlationId),
    headers: (message.properties.headers ?? {}) as Record<string, unknown>,
    redelivered: message.fields.redelivered,
    exchange: message.fields.exchange,
    contentType: text(message.properties.contentType),
    timestamp: typeof message.properties.timestamp === 'number' ? message.properties.timestamp : undefined,
  };
}
