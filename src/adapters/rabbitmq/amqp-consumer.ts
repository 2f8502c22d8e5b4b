import type { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { type Backoff, backoffDelay } from '../../application/backoff.js';
import type { Logger } from '../observability/logger.js';
import { type DeliveryHandler, type Disposition, deliveryCount, toDelivery } from './amqp-delivery.js';
import { publishDeadLetter } from './dead-letters.js';

export type { Delivery, DeliveryHandler, Disposition } from './amqp-delivery.js';

export interface ConsumerOptions {
  /**
   * Redeliveries past which a message is dead-lettered here (reason `delivery_limit`). The queue
   * policy's own limit (RABBITMQ_DELIVERY_LIMIT, ADR 5) acts first; this one only fires where the
   * policy is missing, and would otherwise let a message that always fails loop for ever.
   */
  readonly deliveryLimit: number;
  /** The wait before a delivery that could not be settled is handed back to the broker. */
  readonly settleRetry: Backoff;
  /** Counts the messages this consumer dead-letters, by reason, once the broker confirmed each. */
  readonly deadLettered?: { inc(labels: { reason: string }): void };
}

/** What the consumer saw of the broker's delivery limit, for /broker/health. */
export interface DeliveryLimitEvidence {
  readonly limit: number;
  /** The latest delivery seen past the limit, with its `x-delivery-count` (null: none): the broker did not enforce it. */
  readonly pastLimit: { readonly count: number; readonly at: Date } | null;
}

const DEFAULTS: ConsumerOptions = { deliveryLimit: 20, settleRetry: { initialMs: 1_000, maxMs: 30_000 } };

/**
 * Consumes the service queue with per-consumer prefetch (global QoS closes a quorum queue's
 * connection). A delivery is settled on the channel it came from and only while that channel
 * lives: after a reconnect the broker redelivers it, and the inbox makes that harmless. Every
 * delivery ends settled: one that cannot be (its dead letter refused) is handed back later.
 */
export class AmqpConsumer {
  private current: { channel: ConfirmChannel; consumerTag: string } | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly options: ConsumerOptions;
  private stopped = false;
  private wakeOnStop: Array<() => void> = [];
  private pastLimit: DeliveryLimitEvidence['pastLimit'] = null;

  constructor(
    private readonly queue: string,
    private readonly deadLetterExchange: string,
    private readonly prefetch: number,
    private readonly handler: DeliveryHandler,
    private readonly logger: Logger,
    options: Partial<ConsumerOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

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

  get deliveryLimitEvidence(): DeliveryLimitEvidence {
    return { limit: this.options.deliveryLimit, pastLimit: this.pastLimit };
  }

  /**
   * Stops taking new deliveries and waits (bounded by the caller) for those in flight to settle. A
   * handler holding a delivery through a database outage stops waiting and hands it back.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of this.wakeOnStop.splice(0)) wake();
    const current = this.current;
    if (current) await current.channel.cancel(current.consumerTag).catch(() => undefined);
    await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async settle(channel: ConfirmChannel, message: ConsumeMessage, live: () => boolean): Promise<void> {
    const count = deliveryCount(message);
    // A stopping consumer's handler stops waiting (on a database that says "try later") and hands back.
    const mayWait = () => live() && !this.stopped;
    const disposition = count > this.options.deliveryLimit ? this.pastDeliveryLimit(count) : await this.handle(message, mayWait);
    if (!live()) return;
    try {
      if (disposition.kind === 'dead_letter') await this.deadLetter(channel, message, disposition, count);
      if (!live()) return;
      if (disposition.kind === 'requeue') channel.nack(message, false, true);
      else channel.ack(message);
    } catch (error) {
      await this.handBack(channel, message, live, count, error);
    }
  }

  /** Counted once the broker confirmed the copy: a refused one handed back and tried again is not counted twice. */
  private async deadLetter(channel: ConfirmChannel, message: ConsumeMessage, { reason, detail }: { reason: string; detail: string }, count: number): Promise<void> {
    await publishDeadLetter(channel, message, { exchange: this.deadLetterExchange, queue: this.queue, reason, detail, deliveryCount: count });
    this.options.deadLettered?.inc({ reason });
  }

  private async handle(message: ConsumeMessage, mayWait: () => boolean): Promise<Disposition> {
    try {
      return await this.handler(toDelivery(message), mayWait);
    } catch (error) {
      this.logger.error({ err: error }, 'delivery handler failed; requeueing');
      return { kind: 'requeue' };
    }
  }

  /** The broker's policy would have dead-lettered it by now: it is missing, so we do it. */
  private pastDeliveryLimit(count: number): Disposition {
    const { deliveryLimit } = this.options;
    // The latest case: /broker/health forgets the evidence an hour after it.
    this.pastLimit = { count, at: new Date() };
    this.logger.warn({ delivery_count: count, delivery_limit: deliveryLimit }, 'delivery limit passed without the broker dead-lettering: its queue policy is missing');
    return { kind: 'dead_letter', reason: 'delivery_limit', detail: `delivered ${count + 1} times, past the delivery limit of ${deliveryLimit}` };
  }

  /**
   * Could not dead-letter or settle (the broker nacked the dead letter, or refused the ack): hand
   * the delivery back after a growing delay, so that the broker redelivers it and the next try
   * settles it. Left unacked, it would sit on this channel for as long as the channel lives.
   */
  private async handBack(channel: ConfirmChannel, message: ConsumeMessage, live: () => boolean, count: number, error: unknown): Promise<void> {
    const delay = backoffDelay(count + 1, this.options.settleRetry);
    this.logger.warn({ err: error, delay_ms: delay }, 'could not settle a delivery; handing it back to the broker after a delay');
    await this.stopOr(delay);
    if (!live()) return;
    try {
      channel.nack(message, false, true);
    } catch (nackError) {
      this.logger.warn({ err: nackError }, 'could not hand a delivery back; the broker will redeliver it when its channel closes');
    }
  }

  /** Waits `ms`, or less if the consumer stops meanwhile (shutdown must not wait out a backoff). */
  private stopOr(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.wakeOnStop = this.wakeOnStop.filter((w) => w !== wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakeOnStop.push(wake);
    });
  }
}
