import type { Channel, ChannelModel, ConsumeMessage, Options } from 'amqplib';
import type { OutboundEvent } from '../../application/ports/event-publisher.js';
import type { FeedStream, FeedStreamMessage } from '../../application/ports/feed-stream.js';
import type { OutcomeStream } from '../../application/ports/outcome-stream.js';
import { LogThrottle } from '../observability/log-throttle.js';
import type { Logger } from '../observability/logger.js';
import { feedFromWire, feedToWire } from '../realtime/feed-wire.js';
import type { StreamFanOut } from '../realtime/stream-fan-out.js';
import { feedFrame, outcomeFrame } from '../realtime/stream-frames.js';
import { declareStreamExchange } from './topology.js';

export interface StreamRelaySettings {
  /** The fanout exchange of the streams (RABBITMQ_STREAM_EXCHANGE): feed changes and outcome copies. */
  readonly streamExchange: string;
  /** Messages the broker keeps for this instance while it lags; older ones are dropped first. */
  readonly maxQueued: number;
}

/** Why a message was not handed to the broker (it then goes to this instance's streams only). */
export type RelayFailure = 'no_connection' | 'blocked' | 'backpressure' | 'refused';

export interface RelayMonitor {
  publishFailed(reason: RelayFailure): void;
  relayed(source: 'feed' | 'outcome'): void;
}

/** The AMQP `type` of an outcome's copy; a feed change has none. */
const OUTCOME = 'outcome';
const JSON_CONTENT = 'application/json';

/** The relay's channel, and whether the broker or amqplib's buffer holds publishing back. */
interface Link {
  readonly channel: Channel;
  blocked: boolean;
  /** amqplib answered false (its buffer is full): nothing more is handed to it until it drains. */
  full: boolean;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Fan-out of the WebSocket streams across instances (ADR 19). Each instance has a queue of its
 * own (server-named, exclusive, auto-deleted: it goes with the connection), bound to the stream
 * fanout exchange, and nowhere else: feed changes and outcome copies both come through it.
 * Consumed without acks: a message is worth something for seconds, and a client that missed one
 * reads the feed or the history again. Publishing is best effort and never buffers without bound:
 * a message the broker cannot take now (no channel, connection blocked, amqplib's buffer full) is
 * counted, logged at most once a minute, and handed to this instance's own streams directly.
 */
export class AmqpStreamRelay implements FeedStream, OutcomeStream {
  private link: Link | null = null;
  private readonly failures = new LogThrottle();

  constructor(
    private readonly settings: StreamRelaySettings,
    private readonly fanOut: StreamFanOut,
    private readonly logger: Logger,
    private readonly monitor: RelayMonitor,
  ) {}

  /** A setup step of its session: a new connection declares it all again. */
  readonly setup = async (connection: ChannelModel, lost: (reason: string) => void): Promise<void> => {
    const channel = await connection.createChannel();
    const link: Link = { channel, blocked: false, full: false };
    let closed: string | null = null;
    let because = '';
    channel.on('error', (error: Error) => {
      because = `: ${error.message}`;
      this.logger.warn({ err: error }, 'stream relay channel error');
    });
    channel.on('close', () => {
      closed = `stream relay channel closed${because}`;
      if (this.link !== link) return;
      this.link = null;
      lost(closed);
    });
    channel.on('drain', () => (link.full = false));
    connection.on('blocked', () => (link.blocked = true));
    connection.on('unblocked', () => (link.blocked = false));
    await declareStreamExchange(channel, this.settings.streamExchange);
    const args = { 'x-max-length': this.settings.maxQueued, 'x-overflow': 'drop-head' };
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false, arguments: args });
    await channel.bindQueue(queue, this.settings.streamExchange, '');
    await channel.consume(queue, (message) => message && this.relay(message), { noAck: true });
    // A close that came with the last reply found no link to drop: failing the setup reconnects.
    if (closed !== null) throw new Error(`during setup, ${closed}`);
    this.link = link;
  };

  async publish(message: FeedStreamMessage): Promise<void> {
    this.send('', feedToWire(message), {}, () => this.fanOut.toUser(message.userId, () => Buffer.from(feedFrame(message))));
  }

  reaches(userId: string): boolean {
    return this.canPublish || this.fanOut.hasUser(userId);
  }

  publishOutcome(event: OutboundEvent): void {
    const local = () => this.fanOut.toAdmins(() => Buffer.from(outcomeFrame(event.routingKey, event.body)));
    this.send(event.routingKey, Buffer.from(JSON.stringify(event.body)), { type: OUTCOME }, local);
  }

  private get canPublish(): boolean {
    return this.link !== null && !this.link.blocked && !this.link.full;
  }

  private send(routingKey: string, content: Buffer, options: Options.Publish, local: () => void): void {
    const link = this.link;
    if (!link) return this.notRelayed('no_connection', local);
    if (link.blocked) return this.notRelayed('blocked', local);
    if (link.full) return this.notRelayed('backpressure', local);
    try {
      // False: amqplib keeps this one anyway, but takes no more until its buffer drains.
      if (!link.channel.publish(this.settings.streamExchange, routingKey, content, { ...options, contentType: JSON_CONTENT, persistent: false })) link.full = true;
    } catch (error) {
      this.notRelayed('refused', local, error);
    }
  }

  private notRelayed(reason: RelayFailure, local: () => void, error?: unknown): void {
    this.monitor.publishFailed(reason);
    const held = this.failures.pass();
    if (held !== null) this.logger.warn({ reason, err: error, held_back: held }, 'stream relay: a message could not go to the broker; only the streams of this instance get it (logged once a minute)');
    local();
  }

  private relay(message: ConsumeMessage): void {
    const isOutcome = message.properties.type === OUTCOME;
    this.monitor.relayed(isOutcome ? 'outcome' : 'feed');
    let body: unknown;
    try {
      body = JSON.parse(message.content.toString('utf8'));
    } catch {
      return void this.logger.warn({ routing_key: message.fields.routingKey }, 'stream relay: a message that is not JSON, dropped');
    }
    if (isOutcome) {
      if (isRecord(body)) this.fanOut.toAdmins(() => Buffer.from(outcomeFrame(message.fields.routingKey, body)));
      return;
    }
    const feed = feedFromWire(body);
    if (feed) this.fanOut.toUser(feed.userId, () => Buffer.from(feedFrame(feed)));
    else this.logger.warn('stream relay: a feed message of an unknown shape, dropped');
  }
}
