import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ConsumeMessage } from 'amqplib';
import { expect } from 'chai';
import type { OutboundEvent } from '../../../src/application/ports/event-publisher.js';
import { createLogger } from '../../../src/adapters/observability/logger.js';
import { AmqpEventPublisher, BrokerUnavailableError, UnencodableError, UnroutableError } from '../../../src/adapters/rabbitmq/amqp-event-publisher.js';
import { AmqpSession, type FatalBrokerError } from '../../../src/adapters/rabbitmq/amqp-session.js';
import { declareTopology } from '../../../src/adapters/rabbitmq/topology.js';
import { DEFAULT_TOPOLOGY, TestVhost, UNROUTABLE } from '../../support/broker.js';
import { eventually } from '../../support/databases.js';
import { rejection } from '../../unit/rejection.js';

const run = promisify(execFile);
const logger = createLogger('silent');

const TOPOLOGY = DEFAULT_TOPOLOGY;

function sentEvent(overrides: Partial<OutboundEvent> = {}): OutboundEvent {
  const notificationId = randomUUID();
  return {
    eventId: randomUUID(),
    routingKey: 'notification.sent',
    className: 'NotificationSent',
    correlationId: `corr-${notificationId.slice(0, 8)}`,
    body: { notificationId, userId: 'user-1', channel: 'email', recipient: 'a@example.com', occurredAt: '2026-11-22T10:00:00.000Z' },
    ...overrides,
  };
}

/** A queue of the test's own bound to the events exchange. */
async function bindQueue(vhost: TestVhost, queue: string, pattern: string): Promise<void> {
  await vhost.withChannel(async (channel) => {
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, TOPOLOGY.exchange, pattern);
  });
}

/** Takes every message of a queue for good: as many as the queue counts, through a no-ack consumer (basic.get round trips are slow). */
async function takeAll(vhost: TestVhost, queue: string): Promise<ConsumeMessage[]> {
  return vhost.withChannel(async (channel) => {
    const { messageCount } = await channel.checkQueue(queue);
    const out: ConsumeMessage[] = [];
    if (messageCount === 0) return out;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`took ${out.length} of ${messageCount} messages from ${queue}`)), 5_000);
      void channel.consume(
        queue,
        (m) => {
          if (m) out.push(m);
          if (out.length !== messageCount) return;
          clearTimeout(timer);
          resolve();
        },
        { noAck: true },
      );
    });
    return out;
  });
}

/** A session that declares the topology and sets the publisher up, as the service wires them. */
async function connectedPublisher(vhost: TestVhost, fatals: FatalBrokerError[], ownQueue: string | null = null): Promise<{ session: AmqpSession; publisher: AmqpEventPublisher }> {
  const publisher = new AmqpEventPublisher(TOPOLOGY.exchange, 5_000, logger, ownQueue);
  const session = new AmqpSession(
    { url: vhost.url, heartbeatSeconds: 5, connectionName: 'it-publisher', reconnectInitialMs: 50, reconnectMaxMs: 500 },
    [(connection) => declareTopology(connection, TOPOLOGY), publisher.setup],
    logger,
    (error) => fatals.push(error),
  );
  await session.start();
  expect(session.health().state).to.equal('connected');
  expect(publisher.ready).to.equal(true);
  return { session, publisher };
}

describe('AmqpEventPublisher', function () {
  this.timeout(30_000);

  describe('with the topology and the alternate-exchange policy', () => {
    let vhost: TestVhost;
    let session: AmqpSession;
    let publisher: AmqpEventPublisher;
    const fatals: FatalBrokerError[] = [];

    before(async () => {
      vhost = await TestVhost.create('it_publisher');
      ({ session, publisher } = await connectedPublisher(vhost, fatals));
    });
    after(async () => {
      await session.close();
      await vhost.drop();
      expect(fatals).to.deep.equal([]);
    });

    it('resolves after the confirm and delivers a persistent message carrying the event id, correlation id, type and body', async () => {
      await bindQueue(vhost, 'it.sent', 'notification.sent');
      const event = sentEvent();
      await publisher.publish(event);
      const [message, ...rest] = await takeAll(vhost, 'it.sent');
      expect(rest).to.deep.equal([]);
      expect(message!.fields).to.deep.include({ exchange: TOPOLOGY.exchange, routingKey: 'notification.sent' });
      expect(message!.properties).to.deep.include({
        deliveryMode: 2,
        messageId: event.eventId,
        correlationId: event.correlationId,
        type: 'NotificationSent',
        contentType: 'application/json',
        appId: 'notification-service',
      });
      expect(message!.properties.headers).to.deep.equal({ event_type: 'NotificationSent' });
      expect(JSON.parse(message!.content.toString('utf8'))).to.deep.equal(event.body);
    });

    it('leaves correlation_id out when the event has none', async () => {
      await bindQueue(vhost, 'it.failed', 'notification.failed');
      const event = sentEvent({ routingKey: 'notification.failed', className: 'NotificationFailed', correlationId: null });
      await publisher.publish(event);
      const [message] = await takeAll(vhost, 'it.failed');
      expect(message!.properties.messageId).to.equal(event.eventId);
      expect(message!.properties.correlationId).to.equal(undefined);
    });

    it('resolves for a routing key no queue is bound for, and the message lands in the alternate exchange queue', async () => {
      const event = sentEvent({ routingKey: 'notification.unbound', className: 'NotificationUnbound' });
      await publisher.publish(event);
      const kept = await takeAll(vhost, UNROUTABLE);
      expect(kept.map((m) => [m.properties.messageId, m.fields.routingKey])).to.deep.equal([[event.eventId, 'notification.unbound']]);
      expect(JSON.parse(kept[0]!.content.toString('utf8'))).to.deep.equal(event.body);
    });

    it('publishes a replay whose original had no message id without one, naming its outbox row in x-outbox-id', async () => {
      await bindQueue(vhost, 'it.replay', 'user.replayed');
      const raw = { body: Buffer.from('{"a":1}'), headers: { 'x-replayed-from': 'd-1' }, messageId: null, contentType: 'application/json' };
      const event = sentEvent({ routingKey: 'user.replayed', className: '', raw });
      await publisher.publish(event);
      const [message] = await takeAll(vhost, 'it.replay');
      expect(message!.properties.messageId).to.equal(undefined);
      expect(message!.properties.headers).to.deep.equal({ 'x-replayed-from': 'd-1', 'x-outbox-id': event.eventId });
      expect(message!.content.toString()).to.equal('{"a":1}');
    });

    it('refuses a replay whose headers amqplib cannot encode with UnencodableError, sending nothing', async () => {
      const raw = { body: Buffer.from('{}'), headers: { m: { '!': 'bogus' } }, messageId: null, contentType: null };
      const error = await rejection(publisher.publish(sentEvent({ routingKey: 'user.replayed', className: '', raw })));
      expect(error).to.be.instanceOf(UnencodableError);
      expect(publisher.ready).to.equal(true);
    });

    it('confirms 200 concurrent publishes, each message arriving once', async () => {
      await bindQueue(vhost, 'it.many', 'notification.many');
      const events = Array.from({ length: 200 }, () => sentEvent({ routingKey: 'notification.many' }));
      const settled = await Promise.allSettled(events.map((e) => publisher.publish(e)));
      expect(settled.filter((s) => s.status === 'rejected')).to.deep.equal([]);
      const ids = (await takeAll(vhost, 'it.many')).map((m) => m.properties.messageId as string);
      expect(ids).to.have.length(200);
      expect(new Set(ids)).to.deep.equal(new Set(events.map((e) => e.eventId)));
    });

    it("publishes an event to the service itself to its own queue only, never to another bound to the events exchange", async () => {
      const own = await connectedPublisher(vhost, fatals, TOPOLOGY.queue);
      try {
        await bindQueue(vhost, 'it.other-service', 'user.#');
        await takeAll(vhost, TOPOLOGY.queue);
        const event = sentEvent({ routingKey: 'user.welcome_requested', className: 'user.welcome_requested', toOwnQueue: true });
        await own.publisher.publish(event);
        const [message, ...rest] = await takeAll(vhost, TOPOLOGY.queue);
        expect([rest.length, message?.fields.exchange, message?.fields.routingKey, message?.properties.messageId]).to.deep.equal([0, '', TOPOLOGY.queue, event.eventId]);
        expect(await takeAll(vhost, 'it.other-service')).to.deep.equal([]);
        expect(await rejection(publisher.publish(event))).to.be.instanceOf(UnroutableError); // no own queue configured
      } finally {
        await own.session.close();
      }
    });

    it('rejects with BrokerUnavailableError before any connection', async () => {
      const unconnected = new AmqpEventPublisher(TOPOLOGY.exchange, 5_000, logger);
      expect(unconnected.ready).to.equal(false);
      expect(await rejection(unconnected.publish(sentEvent()))).to.be.instanceOf(BrokerUnavailableError);
    });

    it('rejects with BrokerUnavailableError once its session is closed', async () => {
      const own = await connectedPublisher(vhost, fatals);
      await own.session.close();
      expect(own.publisher.ready).to.equal(false);
      expect(await rejection(own.publisher.publish(sentEvent()))).to.be.instanceOf(BrokerUnavailableError);
    });
    // The broker closing the publisher's channel (a 404) recycles the connection: publishing resumes.
    it('publishes again after the broker closed its channel while the connection stays up', async () => {
      const own = await connectedPublisher(vhost, fatals);
      try {
        await vhost.withChannel((channel) => channel.deleteExchange(TOPOLOGY.exchange));
        expect(await rejection(own.publisher.publish(sentEvent()))).to.be.an('error');
        await vhost.withChannel(async (channel) => {
          await channel.assertExchange(TOPOLOGY.exchange, 'topic', { durable: true });
        });
        await bindQueue(vhost, 'it.after-404', 'notification.sent');
        const event = sentEvent();
        await eventually(() => own.publisher.publish(event).then(() => true), 10_000, 'a publish confirmed again');
        expect(own.session.health().state).to.equal('connected');
        expect((await takeAll(vhost, 'it.after-404')).map((m) => m.properties.messageId)).to.include(event.eventId);
      } finally {
        await own.session.close();
      }
    });
  });

  describe('without the alternate-exchange policy', () => {
    let vhost: TestVhost;
    let session: AmqpSession;
    let publisher: AmqpEventPublisher;
    const fatals: FatalBrokerError[] = [];

    before(async () => {
      vhost = await TestVhost.create('it_publisher_no_ae');
      await run('rabbitmqctl', ['-q', 'clear_policy', '-p', vhost.name, 'notification-service-exchange']);
      ({ session, publisher } = await connectedPublisher(vhost, fatals));
    });
    after(async () => {
      await session.close();
      await vhost.drop();
      expect(fatals).to.deep.equal([]);
    });

    it('rejects with UnroutableError when no queue is bound for the routing key', async () => {
      const event = sentEvent({ routingKey: 'notification.nobody' });
      const error = await rejection(publisher.publish(event));
      expect(error).to.be.instanceOf(UnroutableError);
      expect(error.message).to.include('notification.nobody');
      expect(await vhost.withChannel(async (channel) => (await channel.checkQueue(UNROUTABLE)).messageCount)).to.equal(0);
    });

    it('publishes the same event once a queue is bound (a retry is not refused by the earlier return)', async () => {
      const event = sentEvent({ routingKey: 'notification.later' });
      expect(await rejection(publisher.publish(event))).to.be.instanceOf(UnroutableError);
      await bindQueue(vhost, 'it.later', 'notification.later');
      await publisher.publish(event);
      expect((await takeAll(vhost, 'it.later')).map((m) => m.properties.messageId)).to.deep.equal([event.eventId]);
    });

    it('tells an unroutable replay without a message id by its x-outbox-id', async () => {
      const raw = { body: Buffer.from('{}'), headers: {}, messageId: null, contentType: null };
      const event = sentEvent({ routingKey: 'notification.nobody-replayed', className: '', raw });
      expect(await rejection(publisher.publish(event))).to.be.instanceOf(UnroutableError);
    });

    it('tells routable from unroutable events published concurrently', async () => {
      await bindQueue(vhost, 'it.mixed', 'notification.routed');
      const events = Array.from({ length: 40 }, (_, i) => sentEvent({ routingKey: i % 2 === 0 ? 'notification.routed' : 'notification.dropped' }));
      const settled = await Promise.allSettled(events.map((e) => publisher.publish(e)));
      const outcome = settled.map((s) => (s.status === 'fulfilled' ? 'ok' : s.reason instanceof UnroutableError ? 'unroutable' : String(s.reason)));
      expect(outcome).to.deep.equal(events.map((e) => (e.routingKey === 'notification.routed' ? 'ok' : 'unroutable')));
      expect(new Set((await takeAll(vhost, 'it.mixed')).map((m) => m.properties.messageId))).to.deep.equal(
        new Set(events.filter((e) => e.routingKey === 'notification.routed').map((e) => e.eventId)),
      );
    });
  });
});
