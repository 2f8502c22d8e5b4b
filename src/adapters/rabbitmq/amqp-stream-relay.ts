import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { FeedStream, FeedStreamMessage } from '../../application/ports/feed-stream.js';
import type { Logger } from '../observability/logger.js';
import { feedFromWire, feedToWire } from '../realtime/feed-wire.js';
import type { StreamFanOut } from '../realtime/stream-fan-out.js';
import { feedFrame, outcomeFrame } from '../realtime/stream-frames.js';
import { OutcomeBindings } from './outcome-bindings.js';
import { declareStreamExchange } from './topology.js';

export interface StreamRelaySettings {
  /** The fanout exchange of feed changes (RABBITMQ_STREAM_EXCHANGE). */
  readonly streamExchange: string;
  /** Where outcome events are published (RABBITMQ_EXCHANGE), and their routing keys. */
  readonly eventsExchange: string;
  readonly outcomeKeys: readonly string[];
  /** Messages the broker keeps for this instance while it lags; older ones are dropped first. */
  readonly maxQueued: number;
}

export interface RelayMonitor {
  publishFailed(): void;
  relayed(source: 'feed' | 'outcome'): void;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Fan-out of the WebSocket streams across instances (ADR 19). Each instance has a queue of its
 * own (server-named, exclusive, auto-deleted: it goes with the connection), bound to the feed
 * fanout exchange, and to the outcome routing keys while admins watch here. Consumed without
 * acks: a message is worth something for seconds, and a client that missed one reads the feed or
 * the history again. A setup step of its session, so that a new connection declares it all again.
 */
export class AmqpStreamRelay implements FeedStream {
  private channel: Channel | null = null;
  readonly outcomes: OutcomeBindings;

  constructor(
    private readonly settings: StreamRelaySettings,
    private readonly fanOut: StreamFanOut,
    private readonly logger: Logger,
    private readonly monitor: RelayMonitor,
  ) {
    this.outcomes = new OutcomeBindings(settings.eventsExchange, settings.outcomeKeys, logger);
  }

  readonly setup = async (connection: ChannelModel, lost: (reason: string) => void): Promise<void> => {
    const channel = await connection.createChannel();
    let closedBecause = '';
    channel.on('error', (error: Error) => {
      closedBecause = `: ${error.message}`;
      this.logger.warn({ err: error }, 'stream relay channel error');
    });
    channel.on('close', () => {
      if (this.channel !== channel) return;
      this.channel = null;
      lost(`stream relay channel closed${closedBecause}`);
    });
    await declareStreamExchange(channel, this.settings.streamExchange);
    const args = { 'x-max-length': this.settings.maxQueued, 'x-overflow': 'drop-head' };
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false, arguments: args });
    await channel.bindQueue(queue, this.settings.streamExchange, '');
    await this.outcomes.attach(channel, queue);
    await channel.consume(queue, (message) => message && this.relay(message), { noAck: true });
    this.channel = channel;
  };

  /** Best effort (the feed is the record): no channel, or a refused write, is logged and counted. */
  async publish(message: FeedStreamMessage): Promise<void> {
    const channel = this.channel;
    try {
      if (!channel) throw new Error('no broker connection');
      channel.publish(this.settings.streamExchange, '', feedToWire(message), { contentType: 'application/json', persistent: false });
    } catch (error) {
      this.monitor.publishFailed();
      this.logger.warn({ err: error, user_id: message.userId, kind: message.kind }, 'could not relay a feed change to the streams');
    }
  }

  private relay(message: ConsumeMessage): void {
    const fromFeed = message.fields.exchange === this.settings.streamExchange;
    this.monitor.relayed(fromFeed ? 'feed' : 'outcome');
    let body: unknown;
    try {
      body = JSON.parse(message.content.toString('utf8'));
    } catch {
      return void this.logger.warn({ exchange: message.fields.exchange, routing_key: message.fields.routingKey }, 'stream relay: a message that is not JSON, dropped');
    }
    if (!fromFeed) {
      if (isRecord(body)) this.fanOut.toAdmins(() => Buffer.from(outcomeFrame(message.fields.routingKey, body)));
      return;
    }
    const feed = feedFromWire(body);
    if (feed) this.fanOut.toUser(feed.userId, () => Buffer.from(feedFrame(feed)));
    else this.logger.warn('stream relay: a feed message of an unknown shape, dropped');
  }
}
