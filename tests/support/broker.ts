import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp, { type ChannelModel, type ConfirmChannel, type Message } from 'amqplib';
import type { Topology } from '../../src/adapters/rabbitmq/topology.js';
import { requiredRunSetting, runSetting } from '../../scripts/run-env.js';
import { uniqueName } from './databases.js';

const run = promisify(execFile);
const POLICIES_SCRIPT = new URL('../../scripts/rabbitmq-policies.sh', import.meta.url).pathname;

/**
 * The local RabbitMQ node as the project's own user sees it (an amqp:// URL with credentials and
 * no vhost, from .run/env, or TEST_RABBITMQ_URL when set); each suite adds a vhost of its own.
 */
export function brokerUrl(): string {
  return requiredRunSetting('TEST_RABBITMQ_URL');
}

/** The RabbitMQ user of brokerUrl(), whom every suite's vhost grants (never guest). */
export function brokerUser(): string {
  return runSetting('TEST_RABBITMQ_USER') ?? decodeURIComponent(new URL(brokerUrl()).username);
}

/** The service's default names, which scripts/rabbitmq-policies.sh targets. */
export const DEFAULT_TOPOLOGY: Topology = {
  exchange: 'notification.events',
  queue: 'notification-service.events',
  bindings: ['user.#', 'order.#'],
  deadLetterExchange: 'notification-service.events.dlx',
  deadLetterQueue: 'notification-service.events.dlq',
};
export const UNROUTABLE = 'notification.events.unroutable';

export interface CapturedMessage {
  readonly routingKey: string;
  readonly messageId: string | undefined;
  readonly correlationId: string | undefined;
  readonly type: string | undefined;
  readonly headers: Record<string, unknown>;
  readonly body: Record<string, unknown>;
  readonly persistent: boolean;
}

/** A broker message as tests read it: properties, headers and the parsed body. */
export function captured(message: Message): CapturedMessage {
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(message.content.toString('utf8')) as Record<string, unknown>;
  } catch {
    body = { raw: message.content.toString('utf8') };
  }
  return {
    routingKey: message.fields.routingKey,
    messageId: message.properties.messageId as string | undefined,
    correlationId: message.properties.correlationId as string | undefined,
    type: message.properties.type as string | undefined,
    headers: (message.properties.headers ?? {}) as Record<string, unknown>,
    body,
    persistent: message.properties.deliveryMode === 2,
  };
}

/** A RabbitMQ vhost of one suite's own, with the service's policies, and a client on it. */
export class TestVhost {
  readonly captured = new Map<string, CapturedMessage[]>();

  private constructor(
    readonly name: string,
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {}

  static async create(prefix: string): Promise<TestVhost> {
    const name = uniqueName(prefix);
    await run('rabbitmqctl', ['-q', 'add_vhost', name]);
    await run('rabbitmqctl', ['-q', 'set_permissions', '-p', name, brokerUser(), '.*', '.*', '.*']);
    await run('bash', [POLICIES_SCRIPT, name]);
    const connection = await amqp.connect(`${brokerUrl()}/${encodeURIComponent(name)}`);
    const channel = await connection.createConfirmChannel();
    await channel.assertExchange('notification.events', 'topic', { durable: true });
    return new TestVhost(name, connection, channel);
  }

  get url(): string {
    return `${brokerUrl()}/${encodeURIComponent(this.name)}`;
  }

  /** A connection of its own for one piece of work: closing every connection of the vhost must not break the test's client. */
  async withChannel<T>(work: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
    const connection = await amqp.connect(this.url);
    try {
      return await work(await connection.createConfirmChannel());
    } finally {
      await connection.close().catch(() => undefined);
    }
  }

  /** Publishes to notification.events with a confirm. */
  async publish(routingKey: string, body: unknown, options: { messageId?: string; correlationId?: string; type?: string; headers?: Record<string, unknown>; raw?: Buffer } = {}): Promise<void> {
    const content = options.raw ?? Buffer.from(JSON.stringify(body));
    const { raw: _raw, ...properties } = options;
    this.channel.publish('notification.events', routingKey, content, { persistent: true, contentType: 'application/json', ...properties });
    await this.channel.waitForConfirms();
  }

  /** A queue bound to `pattern` whose messages are collected in `captured[queue]`. */
  async capture(queue: string, pattern: string): Promise<CapturedMessage[]> {
    const messages: CapturedMessage[] = [];
    this.captured.set(queue, messages);
    await this.channel.assertQueue(queue, { durable: true });
    await this.channel.bindQueue(queue, 'notification.events', pattern);
    await this.channel.consume(queue, (m) => {
      if (!m) return;
      messages.push(captured(m));
      this.channel.ack(m);
    });
    return messages;
  }

  /** Messages waiting in a queue, read without consuming them for good (nacked back). */
  async peek(queue: string): Promise<CapturedMessage[]> {
    const channel = await this.connection.createChannel();
    const out: CapturedMessage[] = [];
    try {
      for (let m = await channel.get(queue); m; m = await channel.get(queue)) out.push(captured(m));
    } finally {
      await channel.close();
    }
    return out;
  }

  /**
   * Messages in a queue, exactly (AMQP queue.declare passive). With no consumer left every
   * unacknowledged message is back to ready, so after the service stopped this is the whole depth.
   */
  async messageCount(queue: string): Promise<number> {
    const channel = await this.connection.createChannel();
    try {
      return (await channel.checkQueue(queue)).messageCount;
    } finally {
      await channel.close();
    }
  }

  /** Ready and unacknowledged counts as rabbitmqctl reports them (quorum queues: up to ~5 s stale). */
  async depth(queue: string): Promise<{ ready: number; unacked: number }> {
    const { stdout } = await run('rabbitmqctl', ['-q', 'list_queues', '-p', this.name, 'name', 'messages_ready', 'messages_unacknowledged', '--no-table-headers']);
    const line = stdout.split('\n').find((l) => l.split('\t')[0] === queue);
    const [, ready, unacked] = (line ?? '').split('\t');
    return { ready: Number(ready ?? 0), unacked: Number(unacked ?? 0) };
  }

  async drop(): Promise<void> {
    await this.connection.close().catch(() => undefined);
    await run('rabbitmqctl', ['-q', 'delete_vhost', this.name]).catch(() => undefined);
  }
}
