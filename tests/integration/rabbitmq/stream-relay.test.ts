import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { expect } from 'chai';
import { createLogger } from '../../../src/adapters/observability/logger.js';
import { ServiceMetrics } from '../../../src/adapters/observability/metrics.js';
import type { PublishOutcome, RelayResult } from '../../../src/adapters/postgres/outbox-relay.store.js';
import { AmqpEventPublisher, UnroutableError } from '../../../src/adapters/rabbitmq/amqp-event-publisher.js';
import { AmqpSession } from '../../../src/adapters/rabbitmq/amqp-session.js';
import { AmqpStreamRelay, type RelayFailure } from '../../../src/adapters/rabbitmq/amqp-stream-relay.js';
import { declareTopology } from '../../../src/adapters/rabbitmq/topology.js';
import type { StreamFanOut } from '../../../src/adapters/realtime/stream-fan-out.js';
import type { OutboundEvent } from '../../../src/application/ports/event-publisher.js';
import type { FeedStreamMessage } from '../../../src/application/ports/feed-stream.js';
import { OutboxRelay, type OutboxRelayStore } from '../../../src/entrypoints/workers/outbox-relay.js';
import { DEFAULT_TOPOLOGY, TestVhost, UNROUTABLE, captured } from '../../support/broker.js';
import { eventually } from '../../support/databases.js';

const run = promisify(execFile);
const logger = createLogger('silent');
const STREAM_EXCHANGE = 'notification.realtime';
const POLICIES_SCRIPT = new URL('../../../scripts/rabbitmq-policies.sh', import.meta.url).pathname;

/** One instance's streams as the relay reaches them: every frame it was given, by audience. */
class RecordingFanOut implements StreamFanOut {
  readonly users: Array<{ userId: string; frame: Record<string, unknown> }> = [];
  readonly admins: Array<Record<string, unknown>> = [];
  hasUser(userId: string): boolean {
    return this.users.some((u) => u.userId === userId);
  }
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
  readonly publishFailures: RelayFailure[];
}

async function instance(vhost: TestVhost, name: string): Promise<Instance> {
  const fanOut = new RecordingFanOut();
  const publishFailures: RelayFailure[] = [];
  const monitor = { publishFailed: (reason: RelayFailure) => void publishFailures.push(reason), relayed: () => undefined };
  const relay = new AmqpStreamRelay({ streamExchange: STREAM_EXCHANGE, maxQueued: 1_000 }, fanOut, logger, monitor);
  const session = new AmqpSession({ url: vhost.url, heartbeatSeconds: 5, connectionName: name, reconnectInitialMs: 50, reconnectMaxMs: 500 }, [relay.setup], logger, () => undefined);
  await session.start();
  expect(session.health().state).to.equal('connected');
  return { relay, session, fanOut, publishFailures };
}

/** The notification ids kept by the alternate exchange (read and put back). */
const unroutableIds = (vhost: TestVhost) =>
  vhost.withChannel(async (channel) => {
    const ids: unknown[] = [];
    for (let m = await channel.get(UNROUTABLE); m; m = await channel.get(UNROUTABLE)) ids.push(captured(m).body.notification_id);
    channel.nackAll(true);
    return ids;
  });

const counts = (userId: string, unread: number): FeedStreamMessage => ({ kind: 'counts', userId, counts: { unread, unseen: unread } });
const outcome = (routingKey: string, notificationId: string): OutboundEvent => ({
  eventId: randomUUID(),
  routingKey,
  className: routingKey === 'notification.sent' ? 'NotificationSent' : 'NotificationFailed',
  correlationId: null,
  body: { event_type: routingKey, notification_id: notificationId },
});

/** The outbox's side as the relay uses it, without a database: each batch is handed over once. */
class QueuedOutbox implements OutboxRelayStore {
  readonly outcomes: PublishOutcome[] = [];
  constructor(private events: OutboundEvent[]) {}
  async relayBatch(limit: number, publish: (events: OutboundEvent[]) => Promise<PublishOutcome[]>): Promise<RelayResult> {
    const batch = this.events.splice(0, limit);
    if (batch.length === 0) return { claimed: 0, published: 0, failed: 0 };
    const outcomes = await publish(batch);
    this.outcomes.push(...outcomes);
    const published = outcomes.filter((o) => o.ok).length;
    return { claimed: batch.length, published, failed: batch.length - published };
  }
  async backlog(): Promise<number> {
    return this.events.length;
  }
}

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

  it('hands an outcome copy published by one instance to the admins of both, as the frame they read', async () => {
    const before = { a: a.fanOut.admins.length, b: b.fanOut.admins.length };
    a.relay.publishOutcome(outcome('notification.sent', 'n-copied'));
    await eventually(async () => a.fanOut.admins.length > before.a && b.fanOut.admins.length > before.b, 5_000, 'the outcome on both instances');
    for (const { fanOut } of [a, b]) {
      expect(fanOut.admins.at(-1)).to.deep.equal({ type: 'notification', event: 'notification.sent', event_type: 'notification.sent', notification_id: 'n-copied' });
    }
    expect([a.fanOut.users.length, b.fanOut.users.length], 'no user was told').to.deep.equal([1, 1]);
  });

  it('takes no route on notification.events: an outcome nobody consumes is kept by the alternate exchange, or returned without it (ADR 5)', async () => {
    const publisher = new AmqpEventPublisher('notification.events', 5_000, logger);
    const session = new AmqpSession({ url: vhost.url, heartbeatSeconds: 5, connectionName: 'publisher', reconnectInitialMs: 50, reconnectMaxMs: 500 }, [publisher.setup], logger, () => undefined);
    await session.start();
    try {
      const admins = a.fanOut.admins.length;
      await publisher.publish(outcome('notification.failed', 'n-kept'));
      await eventually(async () => (await unroutableIds(vhost)).includes('n-kept'), 5_000, 'the outcome kept by the alternate exchange');
      await run('rabbitmqctl', ['-q', 'clear_policy', '-p', vhost.name, 'notification-service-exchange']);
      const returned = () => publisher.publish(outcome('notification.sent', 'n-returned')).then(() => false, (error: unknown) => error instanceof UnroutableError);
      await eventually(returned, 10_000, 'the publish returned without the policy');
      expect(a.fanOut.admins.length, 'the relay received nothing from notification.events').to.equal(admins);
    } finally {
      await run('bash', [POLICIES_SCRIPT, vhost.name]);
      await session.close();
    }
  });

  it('copies what the outbox relay published, once confirmed, when it is an outcome: to the admins of every instance', async () => {
    const publisher = new AmqpEventPublisher('notification.events', 5_000, logger);
    const session = new AmqpSession({ url: vhost.url, heartbeatSeconds: 5, connectionName: 'outbox', reconnectInitialMs: 50, reconnectMaxMs: 500 }, [publisher.setup], logger, () => undefined);
    await session.start();
    const before = { a: a.fanOut.admins.length, b: b.fanOut.admins.length };
    const preferences: OutboundEvent = { ...outcome('notification.preferences_updated', 'n-not-an-outcome'), className: 'NotificationPreferencesUpdated' };
    const outbox = new QueuedOutbox([outcome('notification.sent', 'n-outbox-1'), preferences, outcome('notification.failed', 'n-outbox-2')]);
    const relay = new OutboxRelay(outbox, publisher, { pollIntervalMs: 50, batchSize: 10 }, new ServiceMetrics(), logger, b.relay);
    relay.start();
    try {
      await eventually(async () => outbox.outcomes.length === 3, 5_000, 'the batch published');
      expect(outbox.outcomes.map((o) => o.ok)).to.deep.equal([true, true, true]);
      await eventually(async () => a.fanOut.admins.length >= before.a + 2 && b.fanOut.admins.length >= before.b + 2, 5_000, 'the copies on both instances');
      for (const [fanOut, from] of [[a.fanOut, before.a], [b.fanOut, before.b]] as const) {
        expect(fanOut.admins.slice(from).map((f) => [f.event, f.notification_id])).to.deep.equal([
          ['notification.sent', 'n-outbox-1'],
          ['notification.failed', 'n-outbox-2'],
        ]);
      }
      expect(await unroutableIds(vhost)).to.include.members(['n-outbox-1', 'n-not-an-outcome', 'n-outbox-2']);
    } finally {
      await relay.stop();
      await session.close();
    }
  });

  it('declares its queue again after the connection drops, and resumes relaying feed changes and outcomes', async () => {
    await run('rabbitmqctl', ['-q', 'close_all_connections', '-p', vhost.name, 'integration test: stream relay reconnection']);
    await eventually(async () => a.session.health().state !== 'connected' || b.session.health().state !== 'connected', 5_000, 'the sessions to notice');
    await eventually(async () => a.session.health().state === 'connected' && b.session.health().state === 'connected', 10_000, 'the sessions to reconnect');
    const users = { a: a.fanOut.users.length, b: b.fanOut.users.length };
    const admins = a.fanOut.admins.length;
    await b.relay.publish(counts('u-2', 4));
    b.relay.publishOutcome(outcome('notification.sent', 'n-after-reconnect'));
    await eventually(async () => a.fanOut.users.length > users.a && b.fanOut.users.length > users.b && a.fanOut.admins.length > admins, 5_000, 'relaying after reconnection');
    expect(a.fanOut.users.at(-1)).to.deep.equal({ userId: 'u-2', frame: { type: 'feed_counts', unread_count: 4, unseen_count: 4 } });
    expect(a.fanOut.admins.at(-1)).to.deep.include({ event: 'notification.sent', notification_id: 'n-after-reconnect' });
  });

  it("without a connection, counts each message not relayed and hands it to this instance's own streams, never throwing", async () => {
    const lone = await instance(vhost, 'relay-closed');
    await lone.session.close();
    expect(lone.relay.reaches('u-3'), 'nobody to reach yet').to.equal(false);
    await lone.relay.publish(counts('u-3', 1));
    lone.relay.publishOutcome(outcome('notification.sent', 'n-local'));
    expect(lone.publishFailures).to.deep.equal(['no_connection', 'no_connection']);
    expect(lone.fanOut.users).to.deep.equal([{ userId: 'u-3', frame: { type: 'feed_counts', unread_count: 1, unseen_count: 1 } }]);
    expect(lone.fanOut.admins).to.deep.equal([{ type: 'notification', event: 'notification.sent', event_type: 'notification.sent', notification_id: 'n-local' }]);
  });
});
