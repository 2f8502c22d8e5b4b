import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp, { type ChannelModel } from 'amqplib';
import { type CapturedMessage, captured } from '../../support/broker.js';

const run = promisify(execFile);
export const SERVICE_QUEUE = 'notification-service.events';
export const DEAD_LETTER_QUEUE = 'notification-service.events.dlq';
export const EXCHANGE = 'notification.events';

export interface OutgoingMessage {
  readonly routingKey: string;
  readonly body?: unknown;
  readonly raw?: Buffer;
  readonly messageId?: string;
  readonly type?: string;
  readonly headers?: Record<string, unknown>;
}

/**
 * A broker client for fault scenarios that survives `close_all_connections`: every operation opens
 * its own short-lived connection (TestVhost keeps one, which a forced close would break).
 * Captured messages are read from durable queues at check time, so none is lost while the
 * connections are being closed.
 */
export class FaultBroker {
  /** Everything read so far from each capture queue (reads consume, so they accumulate here). */
  private readonly drained = new Map<string, CapturedMessage[]>();

  constructor(
    readonly vhost: string,
    readonly url: string,
  ) {}

  private async with<T>(work: (connection: ChannelModel) => Promise<T>): Promise<T> {
    const connection = await amqp.connect(this.url);
    connection.on('error', () => undefined);
    try {
      return await work(connection);
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  /** Publishes all messages to notification.events, persistent, waiting for the confirms. */
  async publishAll(messages: readonly OutgoingMessage[]): Promise<void> {
    await this.with(async (connection) => {
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => undefined);
      for (let i = 0; i < messages.length; i += 200) {
        for (const m of messages.slice(i, i + 200)) {
          const content = m.raw ?? Buffer.from(JSON.stringify(m.body));
          channel.publish(EXCHANGE, m.routingKey, content, {
            persistent: true,
            contentType: 'application/json',
            ...(m.messageId ? { messageId: m.messageId } : {}),
            ...(m.type ? { type: m.type } : {}),
            ...(m.headers ? { headers: m.headers } : {}),
          });
        }
        await channel.waitForConfirms();
      }
    });
  }

  /** A durable classic queue bound to `pattern` on notification.events (not consumed until read). */
  async bindCapture(queue: string, pattern = 'notification.#'): Promise<void> {
    await this.with(async (connection) => {
      const channel = await connection.createChannel();
      await channel.assertQueue(queue, { durable: true });
      await channel.bindQueue(queue, EXCHANGE, pattern);
    });
  }

  /** Reads (and acks) what has arrived in `queue` since the last read; returns everything read so far. */
  async drain(queue: string): Promise<CapturedMessage[]> {
    const all = this.drained.get(queue) ?? [];
    this.drained.set(queue, all);
    await this.with(async (connection) => {
      const channel = await connection.createChannel();
      for (let m = await channel.get(queue); m; m = await channel.get(queue)) {
        all.push(captured(m));
        channel.ack(m);
      }
    });
    return all;
  }

  /** Messages in a queue, read and put back (nack with requeue). */
  async peek(queue: string): Promise<CapturedMessage[]> {
    return this.with(async (connection) => {
      const channel = await connection.createChannel();
      const out: CapturedMessage[] = [];
      for (let m = await channel.get(queue); m; m = await channel.get(queue)) out.push(captured(m));
      return out;
    });
  }

  /** Exact message count (passive declare). The whole depth once no consumer holds unacked messages. */
  async messageCount(queue: string): Promise<number> {
    return this.with(async (connection) => (await (await connection.createChannel()).checkQueue(queue)).messageCount);
  }

  async ctl(...args: string[]): Promise<string> {
    return (await run('rabbitmqctl', ['-q', ...args], { timeout: 30_000 })).stdout;
  }

  /** `rabbitmqctl close_all_connections -p <vhost> <reason>`: every client of the vhost, tests' included. */
  async closeAllConnections(reason: string): Promise<void> {
    await this.ctl('close_all_connections', '-p', this.vhost, reason);
  }
}
