import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Logger } from '../observability/logger.js';

export interface Delivery {
  readonly body: Buffer;
  readonly routingKey: string;
  readonly type: string | undefined;
  readonly messageId: string | undefined;
  readonly correlationId: string | undefined;
  readonly headers: Readonly<Record<string, unknown>>;
  readonly redelivered: boolean;
}

export type Disposition =
  | { readonly kind: 'ack' }
  /** Can never be processed: published to the dead-letter exchange with the reason, then acked. */
  | { readonly kind: 'dead_letter'; readonly reason: string; readonly detail: string }
  /** Failed for a reason that may pass: back to the queue (counts against the delivery limit). */
  | { readonly kind: 'requeue' };

/** Handles one delivery. `live()` turns false when its channel closed: stop waiting on it. */
export type DeliveryHandler = (delivery: Delivery, live: () => boolean) => Promise<Disposition>;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Consumes the service queue with per-consumer prefetch (global QoS closes a quorum queue's
 * connection). A delivery is settled on the channel it came from and only while that channel
 * lives: after a reconnect the broker redelivers it, and the inbox makes that harmless.
 */
export class AmqpConsumer {
  private current: { channel: ConfirmChannel; consumerTag: string } | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly queue: string,
    private readonly deadLetterExchange: string,
    private readonly prefetch: number,
    private readonly handler: DeliveryHandler,
    private readonly logger: Logger,
  ) {}

  readonly setup = async (connection: ChannelModel, lost: (reason: string) => void): Promise<void> => {
    if (this.stopped) return;
    const channel = await connection.createConfirmChannel();
    let live = true;
    // The broker's reason (e.g. a consumer ack timeout) arrives as 'error' just before 'close'.
    let closedBecause = '';
    channel.on('close', () => {
      live = false;
      if (this.current?.channel === channel) this.current = null;
      if (!this.stopped) lost(`consumer channel closed${closedBecause}`);
    });
    channel.on('error', (error: Error) => {
      closedBecause = `: ${error.message}`;
      this.logger.warn({ err: error }, 'consumer channel error');
    });
    await channel.prefetch(this.prefetch, false);
    const { consumerTag } = await channel.consume(this.queue, (message) => {
      if (message) this.track(this.settle(channel, message, () => live));
    });
    this.current = { channel, consumerTag };
  };

  get consuming(): boolean {
    return this.current !== null;
  }

  /** Stops taking new deliveries and waits (bounded by the caller) for those in flight to settle. */
  async stop(): Promise<void> {
    this.stopped = true;
    const current = this.current;
    if (current) await current.channel.cancel(current.consumerTag).catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async settle(channel: ConfirmChannel, message: ConsumeMessage, live: () => boolean): Promise<void> {
    let disposition: Disposition;
    try {
      disposition = await this.handler(toDelivery(message), live);
    } catch (error) {
      this.logger.error({ err: error }, 'delivery handler failed; requeueing');
      disposition = { kind: 'requeue' };
    }
    if (!live()) return;
    try {
      if (disposition.kind === 'dead_letter') await this.deadLetter(channel, message, disposition.reason, disposition.detail);
      if (!live()) return;
      if (disposition.kind === 'requeue') channel.nack(message, false, true);
      else channel.ack(message);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not settle a delivery; the broker will redeliver it');
    }
  }

  private deadLetter(channel: ConfirmChannel, message: ConsumeMessage, reason: string, detail: string): Promise<void> {
    const { properties, fields } = message;
    const headers = {
      ...(properties.headers ?? {}),
      'x-dead-letter-reason': reason,
      'x-dead-letter-detail': detail.slice(0, 1000),
      'x-original-exchange': fields.exchange,
      'x-original-routing-key': fields.routingKey,
      'x-original-queue': this.queue,
    };
    return new Promise((resolve, reject) => {
      channel.publish(
        this.deadLetterExchange,
        fields.routingKey,
        message.content,
        { ...stripped(properties), headers, persistent: true },
        (error) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve()),
      );
    });
  }
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

function toDelivery(message: ConsumeMessage): Delivery {
  return {
    body: message.content,
    routingKey: message.fields.routingKey,
    type: text(message.properties.type),
    messageId: text(message.properties.messageId),
    correlationId: text(message.properties.correlationId),
    headers: (message.properties.headers ?? {}) as Record<string, unknown>,
    redelivered: message.fields.redelivered,
  };
}
