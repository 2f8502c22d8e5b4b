import { once } from 'node:events';
import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { sleep, tagOf, wallNow } from './util.js';

export const EXCHANGE = 'notification.events';
export const SERVICE_QUEUE = 'notification-service.events';
const CAPTURE_QUEUE = 'bench.capture';

/** One message to publish; `recipient` is the address its email will go to. */
export interface OutMessage {
  readonly routingKey: string;
  readonly messageId: string;
  readonly body: Buffer;
  readonly recipient: string;
}

interface TagOutcomes {
  readonly recipients: Set<string>;
  lastAt: number;
  failed: number;
  /** `notification.failed` by the outcome's channel. */
  readonly failedByChannel: Map<string, number>;
}

/**
 * Outcome events (`notification.sent` / `notification.failed`) read from the capture queue,
 * counted per tag by recipient (each bench event has a recipient of its own, so a duplicate
 * outcome is counted once).
 */
export class Outcomes {
  private readonly tags = new Map<string, TagOutcomes>();

  record(message: ConsumeMessage): void {
    const body = JSON.parse(message.content.toString('utf8')) as { recipient?: unknown; channel?: unknown };
    const recipient = String(body.recipient ?? '').toLowerCase();
    const tag = tagOf(recipient);
    const entry = this.tags.get(tag) ?? { recipients: new Set<string>(), lastAt: 0, failed: 0, failedByChannel: new Map<string, number>() };
    this.tags.set(tag, entry);
    if (entry.recipients.has(recipient)) return;
    entry.recipients.add(recipient);
    entry.lastAt = wallNow();
    if (message.fields.routingKey !== 'notification.failed') return;
    entry.failed += 1;
    const channel = String(body.channel ?? 'email');
    entry.failedByChannel.set(channel, (entry.failedByChannel.get(channel) ?? 0) + 1);
  }

  count(tag: string): number {
    return this.tags.get(tag)?.recipients.size ?? 0;
  }

  /** Wall-clock time the last new outcome of `tag` arrived. */
  lastAt(tag: string): number {
    return this.tags.get(tag)?.lastAt ?? 0;
  }

  failed(tag: string): number {
    return this.tags.get(tag)?.failed ?? 0;
  }

  failedOn(tag: string, channel: string): number {
    return this.tags.get(tag)?.failedByChannel.get(channel) ?? 0;
  }
}

/** The harness's RabbitMQ client in the bench vhost: publishes with confirms, captures outcomes. */
export class BenchBroker {
  readonly outcomes = new Outcomes();

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {}

  static async connect(url: string): Promise<BenchBroker> {
    const connection = await amqp.connect(url);
    const channel = await connection.createConfirmChannel();
    return new BenchBroker(connection, channel);
  }

  get serverVersion(): string {
    return String(this.connection.connection.serverProperties.version ?? 'unknown');
  }

  /**
   * Binds the capture queue to `notification.#`. Call once the service has declared its topology
   * (the exchange and its alternate exchange's policy target).
   */
  async startCapture(): Promise<void> {
    const channel = await this.connection.createChannel();
    await channel.assertQueue(CAPTURE_QUEUE, { durable: true });
    await channel.bindQueue(CAPTURE_QUEUE, EXCHANGE, 'notification.#');
    await channel.consume(CAPTURE_QUEUE, (m) => m && this.outcomes.record(m), { noAck: true });
  }

  /** Publishes one message (persistent, confirmed later); waits when the channel's buffer is full. */
  async publish(message: OutMessage): Promise<void> {
    const more = this.channel.publish(EXCHANGE, message.routingKey, message.body, {
      persistent: true,
      contentType: 'application/json',
      messageId: message.messageId,
    });
    if (!more) await once(this.channel, 'drain');
  }

  /** Publishes `count` messages as fast as confirms allow, in pipelined batches. Returns the wall time of the first. */
  async publishAll(count: number, make: (i: number) => OutMessage, batch = 1_000): Promise<number> {
    const firstAt = wallNow();
    for (let i = 0; i < count; i += batch) {
      for (let j = i; j < Math.min(count, i + batch); j++) await this.publish(make(j));
      await this.channel.waitForConfirms();
    }
    return firstAt;
  }

  /**
   * Open loop: message i is published at start + i / rate, whether or not earlier ones were
   * handled. Returns the wall-clock publish time of each message by recipient.
   */
  async publishAtRate(count: number, ratePerSecond: number, make: (i: number) => OutMessage): Promise<Map<string, number>> {
    const publishedAt = new Map<string, number>();
    const start = wallNow();
    let next = 0;
    while (next < count) {
      const due = Math.min(count, Math.floor(((wallNow() - start) * ratePerSecond) / 1_000) + 1);
      for (; next < due; next++) {
        const message = make(next);
        publishedAt.set(message.recipient, wallNow());
        await this.publish(message);
      }
      await sleep(1);
    }
    await this.channel.waitForConfirms();
    return publishedAt;
  }

  /**
   * A quorum queue of the harness's own bound to the events exchange, which is declared as the
   * service declares it (src/adapters/rabbitmq/topology.ts) so that the service finds it unchanged.
   */
  async declareQueue(queue: string, patterns: readonly string[]): Promise<void> {
    const channel = await this.connection.createChannel();
    try {
      await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
      await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      for (const pattern of patterns) await channel.bindQueue(queue, EXCHANGE, pattern);
    } finally {
      await channel.close();
    }
  }

  async deleteQueue(queue: string): Promise<void> {
    const channel = await this.connection.createChannel();
    try {
      await channel.deleteQueue(queue);
    } finally {
      await channel.close();
    }
  }

  /** Messages ready in a queue (passive declare). */
  async messageCount(queue: string): Promise<number> {
    const channel = await this.connection.createChannel();
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } finally {
      await channel.close();
    }
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
