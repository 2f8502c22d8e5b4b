import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp, { type ConfirmChannel } from 'amqplib';
import { expect } from 'chai';
import { createLogger } from '../../../src/adapters/observability/logger.js';
import { AmqpSession } from '../../../src/adapters/rabbitmq/amqp-session.js';
import { AmqpStreamRelay } from '../../../src/adapters/rabbitmq/amqp-stream-relay.js';
import type { StreamFanOut } from '../../../src/adapters/realtime/stream-fan-out.js';
import type { FeedStreamMessage } from '../../../src/application/ports/feed-stream.js';
import { OUTCOME_ROUTING_KEYS } from '../../../src/application/integration-events.js';
import { declareTopology } from '../../../src/adapters/rabbitmq/topology.js';
import { DEFAULT_TOPOLOGY, TestVhost, UNROUTABLE, captured } from '../../support/broker.js';
import { eventually } from '../../support/databases.js';

const run = promisify(execFile);
const logger = createLogger('silent');
const STREAM_EXCHANGE = 'notification.realtime';

/** One instance's streams as the relay reaches them: every frame it was given, by audience. */
class RecordingFanOut implements StreamFanOut {
  readonly users: Array<{ userId: string; frame: Record<string, unknown> }> = [];
  readonly admins: Array<Record<string, unknown>> = [];
  toUser(userId: string, frame: () => Buffer): void {
    this.users.push({ userId, frame: JSON.parse(frame().toString()) as Record<string, unknown> });
  }
  toAdmins(frame: () => Buffer): void {
    this.admins.push(JSON.parse(frame().toString()) as Record<string, unknown>);
  }
}

interface Instance {
  readonly relay: AmqpStreamRelay;
  readonly session: AmqpSession;
  readonly fanOut: RecordingFanOut;
  readonly publishFailures: () => number;
}

async function instance(vhost: TestVhost, name: string): Promise<Instance> {
  const fanOut = new RecordingFanOut();
  let failures = 0;
  const monitor = { publishFailed: () => void (failures += 1), relayed: () => undefined };
  const settings = { streamExchange: STREAM_EXCHANGE, eventsExchange: 'notification.events', outcomeKeys: OUTCOME_ROUTING_KEYS, maxQueued: 1_000 };
  const relay = new AmqpStreamRelay(settings, fanOut, logger, monitor);
  const session = new AmqpSession({ url: vhost.url, heartbeatSeconds: 5, connectionName: name, reconnectInitialMs: 50, reconnectMaxMs: 500 }, [relay.setup], logger, () => undefined);
  await session.start();
  expect(session.health().state).to.equal('connected');
  return { relay, session, fanOut, publishFailures: () => failures };
}

/** A connection per operation: closing every connection of the vhost must not break the test's client. */
async function withChannel<T>(vhost: TestVhost, work: (channel: ConfirmChannel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(vhost.url);
  try {
    return await work(await connection.createConfirmChannel());
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Publishes to notification.events, as the outbox relay does, with a confirm. */
const publishEvent = (vhost: TestVhost, routingKey: string, body: Record<string, unknown>) =>
  withChannel(vhost, async (channel) => {
    channel.publish('notification.events', routingKey, Buffer.from(JSON.stringify(body)), { persistent: true });
    await channel.waitForConfirms();
  });

/** The notification ids kept by the alternate exchange (read and put back). */
const unroutableIds = (vhost: TestVhost) =>
  withChannel(vhost, async (channel) => {
    const ids: unknown[] = [];
    for (let m = await channel.get(UNROUTABLE); m; m = await channel.get(UNROUTABLE)) ids.push(captured(m).body.notification_id);
    channel.nackAll(true);
    return ids;
  });

const counts = (userId: string, unread: number): FeedStreamMessage => ({ kind: 'counts', userId, counts: { unread, unseen: unread } });

describe('AmqpStreamRelay (RabbitMQ, two instances)', function () {
  this.timeout(30_000);
  let vhost: TestVhost;
  let a: Instance;
  let b: Instance;

  before(async () => {
    vhost = await TestVhost.create('stream_relay');
    const connection = await amqp.connect(vhost.url);
    await declareTopology(connection, DEFAULT_TOPOLOGY);
    await connection.close();
    [a, b] = [await instance(vhost, 'relay-a'), await instance(vhost, 'relay-b')];
  });
  after(async () => {
    await Promise.all([a?.session.close(), b?.session.close()]);
    await vhost.drop();
  });

  it('hands a feed change published by one instance to both, as the frame its user reads', async () => {
    const item: FeedStreamMessage = {
      kind: 'item',
      userId: 'u-1',
      item: { id: 'n-1', type: 'welcome', title: 'Hi', body: 'Welcome', actionUrl: null, data: {}, createdAt: new Date('2026-11-29T10:00:00Z'), seenAt: null, readAt: null, archivedAt: null },
      counts: { unread: 1, unseen: 1 },
    };
    await a.relay.publish(item);
    await eventually(async () => a.fanOut.users.length === 1 && b.fanOut.users.length === 1, 5_000, 'the item on both instances');
    for (const { fanOut } of [a, b]) {
      expect(fanOut.users[0]?.userId).to.equal('u-1');
      expect(fanOut.users[0]?.frame).to.deep.include({ type: 'notification', id: 'n-1', notification_type: 'welcome', created_at: '2026-11-29T10:00:00.000Z', unread_count: 1, unseen_count: 1 });
    }
  });

  it('routes outcome events to an instance only while an admin watches there', async () => {
    const before = { a: a.fanOut.admins.length, b: b.fanOut.admins.length };
    const release = await a.relay.outcomes.watch();
    await publishEvent(vhost, 'notification.sent', { event_type: 'notification.sent', notification_id: 'n-watched' });
    await publishEvent(vhost, 'notification.preferences_updated', { event_type: 'notification.preferences_updated', userid: 'u-1' });
    await eventually(async () => a.fanOut.admins.length > before.a, 5_000, 'the outcome on the watched instance');
    expect(a.fanOut.admins.slice(before.a)).to.deep.equal([{ type: 'notification', event: 'notification.sent', event_type: 'notification.sent', notification_id: 'n-watched' }]);
    expect(b.fanOut.admins.length).to.equal(before.b);

    release();
    release();
    await a.relay.outcomes.watch().then((again) => again());
    await publishEvent(vhost, 'notification.failed', { event_type: 'notification.failed', notification_id: 'n-unwatched' });
    await eventually(async () => (await unroutableIds(vhost)).includes('n-unwatched'), 5_000, 'the unwatched outcome kept by the alternate exchange');
    expect(a.fanOut.admins.length).to.equal(before.a + 1);
  });

  it('declares its queue again after the connection drops, and resumes relaying (outcome binding included)', async () => {
    const release = await b.relay.outcomes.watch();
    await run('rabbitmqctl', ['-q', 'close_all_connections', '-p', vhost.name, 'integration test: stream relay reconnection']);
    await eventually(async () => a.session.health().state !== 'connected' || b.session.health().state !== 'connected', 5_000, 'the sessions to notice');
    await eventually(async () => a.session.health().state === 'connected' && b.session.health().state === 'connected', 10_000, 'the sessions to reconnect');
    const users = { a: a.fanOut.users.length, b: b.fanOut.users.length };
    const admins = b.fanOut.admins.length;
    await b.relay.publish(counts('u-2', 4));
    await publishEvent(vhost, 'notification.sent', { event_type: 'notification.sent', notification_id: 'n-after-reconnect' });
    await eventually(async () => a.fanOut.users.length > users.a && b.fanOut.users.length > users.b && b.fanOut.admins.length > admins, 5_000, 'relaying after reconnection');
    expect(a.fanOut.users.at(-1)).to.deep.equal({ userId: 'u-2', frame: { type: 'feed_counts', unread_count: 4, unseen_count: 4 } });
    expect(b.fanOut.admins.at(-1)).to.deep.include({ event: 'notification.sent', notification_id: 'n-after-reconnect' });
    release();
  });

  it('counts a publish without a connection as a failure, and never throws', async () => {
    const lone = await instance(vhost, 'relay-closed');
    await lone.session.close();
    await lone.relay.publish(counts('u-3', 1));
    expect(lone.publishFailures()).to.equal(1);
  });
});
