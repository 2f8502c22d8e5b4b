import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { text } from './amqp-delivery.js';

export interface DeadLetter {
  readonly exchange: string;
  /** The queue the message was consumed from, recorded in `x-original-queue`. */
  readonly queue: string;
  readonly reason: string;
  readonly detail: string;
  /** The message's `x-delivery-count` when it was dead-lettered (0: first delivery). */
  readonly deliveryCount: number;
}

/**
 * Publishes a copy of `message` to the dead-letter exchange with the reason in headers, and
 * resolves once the broker confirmed it; rejects on a nack or a closed channel. Only then may the
 * original be acked: at-least-once dead-lettering (ADR 5).
 */
export function publishDeadLetter(channel: ConfirmChannel, message: ConsumeMessage, letter: DeadLetter): Promise<void> {
  const { properties, fields } = message;
  const headers = {
    ...(properties.headers ?? {}),
    'x-dead-letter-reason': letter.reason,
    'x-dead-letter-detail': letter.detail.slice(0, 1000),
    'x-dead-letter-delivery-count': letter.deliveryCount,
    'x-original-exchange': fields.exchange,
    'x-original-routing-key': fields.routingKey,
    'x-original-queue': letter.queue,
  };
  return new Promise((resolve, reject) => {
    channel.publish(letter.exchange, fields.routingKey, message.content, { ...stripped(properties), headers, persistent: true }, (error) =>
      error ? reject(error instanceof Error ? error : new Error(`the broker refused the dead letter: ${String(error)}`)) : resolve(),
    );
  });
}

function stripped(properties: ConsumeMessage['properties']) {
  return {
    contentType: text(properties.contentType),
    contentEncoding: text(properties.contentEncoding),
    correlationId: text(properties.correlationId),
    messageId: text(properties.messageId),
    type: text(properties.type),
    timestamp: typeof properties.timestamp === 'number' ? properties.timestamp : undefined,
    appId: text(properties.appId),
  };
}
