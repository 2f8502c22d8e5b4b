import { EventEmitter } from 'node:events';
import type { ChannelModel } from 'amqplib';
import { expect } from 'chai';
import sinon from 'sinon';
import { AmqpStreamRelay, type RelayFailure } from '../../../src/adapters/rabbitmq/amqp-stream-relay.js';
import type { StreamFanOut } from '../../../src/adapters/realtime/stream-fan-out.js';
import type { OutboundEvent } from '../../../src/application/ports/event-publisher.js';
import type { FeedStreamMessage } from '../../../src/application/ports/feed-stream.js';
import { capturedLogger } from '../log-capture.js';
import { rejection } from '../rejection.js';

/** An amqplib channel as the relay uses it: `accepts` is what publish() answers (false: its buffer is full). */
class FakeChannel extends EventEmitter {
  accepts = true;
  readonly published: Array<{ routingKey: string; body: unknown; type: unknown }> = [];
  /** Runs as consume() is answered, before the relay goes on (a close that came with the reply). */
  onConsumed: () => void = () => undefined;
  async assertExchange(): Promise<void> {}
  async assertQueue(): Promise<{ queue: string }> {
    return { queue: 'amq.gen-1' };
  }
  async bindQueue(): Promise<void> {}
  async consume(): Promise<void> {
    this.onConsumed();
  }
  publish(_exchange: string, routingKey: string, content: Buffer, options: { type?: string }): boolean {
    this.published.push({ routingKey, body: JSON.parse(content.toString()), type: options.type });
    return this.accepts;
  }
}

class FakeConnection extends EventEmitter {
  readonly channel = new FakeChannel();
  async createChannel(): Promise<FakeChannel> {
    return this.channel;
  }
}

/** This instance's streams: what was handed to them directly. */
class LocalStreams implements StreamFanOut {
  readonly told: string[] = [];
  hasUser(userId: string): boolean {
    return userId === 'u-here';
  }
  toUser(userId: string, frame: () => Buffer): void {
    this.told.push(`${userId} ${frame().toString()}`);
  }
  toAdmins(frame: () => Buffer): void {
    this.told.push(`admins ${frame().toString()}`);
  }
}

const counts = (userId: string): FeedStreamMessage => ({ kind: 'counts', userId, counts: { unread: 1, unseen: 0 } });
const sent: OutboundEvent = { eventId: 'e-1', routingKey: 'notification.sent', className: 'NotificationSent', correlationId: null, body: { notification_id: 'n-1' } };

async function relayWorld() {
  const streams = new LocalStreams();
  const failures: RelayFailure[] = [];
  const { lines, logger } = capturedLogger('warn');
  const relay = new AmqpStreamRelay({ streamExchange: 'notification.realtime', maxQueued: 10 }, streams, logger, { publishFailed: (r) => void failures.push(r), relayed: () => undefined });
  const connection = new FakeConnection();
  const lost: string[] = [];
  await relay.setup(connection as unknown as ChannelModel, (reason) => void lost.push(reason));
  return { relay, streams, failures, lines, connection, channel: connection.channel, lost };
}

describe('AmqpStreamRelay (a fake channel)', () => {
  let clock: sinon.SinonFakeTimers;
  beforeEach(() => {
    clock = sinon.useFakeTimers({ now: new Date('2026-11-29T10:00:00Z'), toFake: ['Date'] });
  });
  afterEach(() => clock.restore());

  it('publishes a feed change untyped and an outcome copy typed outcome, under its routing key', async () => {
    const { relay, channel, streams, failures } = await relayWorld();
    await relay.publish(counts('u-1'));
    relay.publishOutcome(sent);
    expect(channel.published).to.deep.equal([
      { routingKey: '', body: counts('u-1'), type: undefined },
      { routingKey: 'notification.sent', body: { notification_id: 'n-1' }, type: 'outcome' },
    ]);
    expect([streams.told, failures]).to.deep.equal([[], []]);
  });

  it("hands amqplib nothing more once it answered false, until the channel drains: counted, and told to this instance's streams", async () => {
    const { relay, channel, streams, failures } = await relayWorld();
    channel.accepts = false;
    await relay.publish(counts('u-1'));
    await relay.publish(counts('u-here'));
    relay.publishOutcome(sent);
    expect(channel.published).to.have.length(1);
    expect(failures).to.deep.equal(['backpressure', 'backpressure']);
    expect(streams.told).to.deep.equal(['u-here {"type":"feed_counts","unread_count":1,"unseen_count":0}', 'admins {"type":"notification","event":"notification.sent","notification_id":"n-1"}']);
    expect([relay.reaches('u-elsewhere'), relay.reaches('u-here')]).to.deep.equal([false, true]);
    channel.accepts = true;
    channel.emit('drain');
    await relay.publish(counts('u-2'));
    expect([channel.published.length, failures.length, relay.reaches('u-elsewhere')]).to.deep.equal([2, 2, true]);
  });

  it("publishes nothing while the broker blocks the connection: counted, and told to this instance's streams", async () => {
    const { relay, connection, channel, streams, failures } = await relayWorld();
    connection.emit('blocked', 'low on memory');
    await relay.publish(counts('u-here'));
    expect([channel.published.length, failures, streams.told.length]).to.deep.equal([0, ['blocked'], 1]);
    connection.emit('unblocked');
    await relay.publish(counts('u-here'));
    expect([channel.published.length, failures.length]).to.deep.equal([1, 1]);
  });

  it('warns at most once a minute while messages cannot go, saying how many were held back', async () => {
    const { relay, connection, lines } = await relayWorld();
    connection.emit('blocked', 'low on disk');
    for (let i = 0; i < 5; i++) await relay.publish(counts('u-1'));
    clock.tick(60_000);
    await relay.publish(counts('u-1'));
    expect(lines.map((l) => [l.reason, l.held_back])).to.deep.equal([
      ['blocked', 0],
      ['blocked', 4],
    ]);
  });

  it('counts a channel the broker closed as no connection, and reports it lost', async () => {
    const { relay, channel, failures, lost } = await relayWorld();
    channel.emit('close');
    await relay.publish(counts('u-1'));
    expect([failures, lost]).to.deep.equal([['no_connection'], ['stream relay channel closed']]);
  });

  it('fails its setup when the channel closed as it was being set up, so that the session connects again', async () => {
    const streams = new LocalStreams();
    const relay = new AmqpStreamRelay({ streamExchange: 'x', maxQueued: 10 }, streams, capturedLogger('silent').logger, { publishFailed: () => undefined, relayed: () => undefined });
    const connection = new FakeConnection();
    connection.channel.onConsumed = () => connection.channel.emit('close');
    const lost: string[] = [];
    const error = await rejection(relay.setup(connection as unknown as ChannelModel, (reason) => void lost.push(reason)));
    expect(error.message).to.equal('during setup, stream relay channel closed');
    expect(relay.reaches('u-elsewhere'), 'no dead channel kept').to.equal(false);
  });
});
