import { expect } from 'chai';
import { type Kysely, sql } from 'kysely';
import { MessageBus } from '../../../src/application/message-bus.js';
import { buildHandlerRegistry } from '../../../src/application/handlers/index.js';
import { createLogger } from '../../../src/adapters/observability/logger.js';
import { ServiceMetrics } from '../../../src/adapters/observability/metrics.js';
import type { Database } from '../../../src/adapters/postgres/database.js';
import { KyselyUnitOfWork } from '../../../src/adapters/postgres/kysely-unit-of-work.js';
import { KyselyOutboxRelayStore } from '../../../src/adapters/postgres/outbox-relay.store.js';
import { AmqpConsumer } from '../../../src/adapters/rabbitmq/amqp-consumer.js';
import { AmqpEventPublisher } from '../../../src/adapters/rabbitmq/amqp-event-publisher.js';
import { AmqpSession } from '../../../src/adapters/rabbitmq/amqp-session.js';
import { declareTopology } from '../../../src/adapters/rabbitmq/topology.js';
import { deadLetterMover } from '../../../src/entrypoints/amqp/dead-letter-mover.js';
import { eventDeliveryHandler } from '../../../src/entrypoints/amqp/event-delivery-handler.js';
import { SystemClock } from '../../../src/adapters/system/system-clock.js';
import { DEFAULT_TOPOLOGY as TOPOLOGY, TestVhost } from '../../support/broker.js';
import { TestDatabase, eventually } from '../../support/databases.js';
import { RecordingBusMonitor, testHandlerDeps, testStamping } from '../../support/test-container.js';

interface Row {
  id: string;
  exchange: string;
  reason: string;
  routing_key: string;
  replay_of: string | null;
  body: Buffer;
  headers: Record<string, unknown>;
}

describe('the dead-letter mover against RabbitMQ and PostgreSQL', function () {
  this.timeout(30_000);
  const logger = createLogger(process.env.IT_LOG ?? 'silent');
  let db: TestDatabase;
  let kysely: Kysely<Database>;
  let vhost: TestVhost;
  let metrics: ServiceMetrics;
  let sessions: AmqpSession[] = [];
  let consumers: AmqpConsumer[] = [];
  let publisher: AmqpEventPublisher;

  const bus = () => new MessageBus(buildHandlerRegistry(testHandlerDeps(new SystemClock())), () => new KyselyUnitOfWork(kysely, testStamping(new SystemClock())), new RecordingBusMonitor());
  const rows = async () => (await sql<Row>`select id, exchange, reason, routing_key, replay_of, body, headers from dead_letters order by created_at, id`.execute(kysely)).rows;
  const stored = (outcome: string) => metrics.deadLettersStored.get().then((m) => m.values.filter((v) => v.labels.outcome === outcome).reduce((s, v) => s + v.value, 0));

  /** The service's broker side: topology, publisher, the events consumer and the mover, on one connection. */
  async function start(pauseAfterCommitMs = 0): Promise<void> {
    const b = bus();
    const mover = new AmqpConsumer(TOPOLOGY.deadLetterQueue, TOPOLOGY.deadLetterExchange, 10, deadLetterMover({ bus: b, clock: new SystemClock(), logger, metrics, backoff: { initialMs: 50, maxMs: 200 }, pauseAfterCommitMs }), logger, { deliveryLimit: Number.MAX_SAFE_INTEGER });
    const events = new AmqpConsumer(TOPOLOGY.queue, TOPOLOGY.deadLetterExchange, 10, eventDeliveryHandler(b, logger, metrics, { initialMs: 50, maxMs: 200 }), logger, { deadLettered: metrics.deadLettered });
    publisher = new AmqpEventPublisher(TOPOLOGY.exchange, 5_000, logger, TOPOLOGY.queue);
    const settings = { url: vhost.url, heartbeatSeconds: 5, connectionName: 'it-dead-letters', reconnectInitialMs: 50, reconnectMaxMs: 500 };
    const session = new AmqpSession(settings, [(c) => declareTopology(c, TOPOLOGY), publisher.setup, events.setup, mover.setup], logger, () => undefined);
    sessions.push(session);
    consumers.push(mover, events);
    await session.start();
  }

  async function stop(): Promise<void> {
    await Promise.all(consumers.map((c) => c.stop()));
    await Promise.all(sessions.map((s) => s.close()));
    consumers = [];
    sessions = [];
  }

  before(async () => {
    db = await TestDatabase.create('it_dead_letter_mover');
    kysely = db.kysely('mover');
  });
  after(async () => {
    await kysely.destroy();
    await db.drop();
  });
  beforeEach(async () => {
    vhost = await TestVhost.create('it_dl');
    metrics = new ServiceMetrics();
    await sql`truncate dead_letters, outbox`.execute(kysely);
  });
  afterEach(async () => {
    await stop();
    await vhost.drop();
  });

  it('moves a malformed event the consumer refused into the table and acks it: the dead-letter queue is empty', async () => {
    await start();
    await vhost.publish('user.registered', null, { raw: Buffer.from('{"marker":"m-1",'), messageId: 'msg-1', headers: { trace: 't-1' } });
    const [row] = await eventually(async () => ((await rows()).length === 1 ? rows() : undefined), 10_000, 'the dead letter stored');
    expect(row).to.deep.include({ reason: 'unparseable', routing_key: 'user.registered', replay_of: null });
    expect(row?.body.toString()).to.equal('{"marker":"m-1",');
    expect(row?.headers).to.include({ trace: 't-1', 'x-original-queue': TOPOLOGY.queue });
    await stop();
    expect(await vhost.messageCount(TOPOLOGY.deadLetterQueue)).to.equal(0);
    expect(await stored('stored')).to.equal(1);
  });

  it('stores a message redelivered after a crash between commit and ack once, and acks it then', async () => {
    await start(60_000);
    await vhost.publish('user.registered', null, { raw: Buffer.from('not json'), messageId: 'msg-2' });
    await eventually(async () => (await rows()).length === 1, 10_000, 'the dead letter stored');
    // The connection goes with the ack not sent: the broker hands the message to the next mover.
    await Promise.all(sessions.map((s) => s.close()));
    sessions = [];
    consumers = [];
    await start();
    await eventually(async () => (await stored('duplicate')) === 1, 10_000, 'the redelivery taken for a duplicate');
    await stop();
    expect(await rows()).to.have.length(1);
    expect(await vhost.messageCount(TOPOLOGY.deadLetterQueue)).to.equal(0);
  });

  it('replays through the outbox with the routing key, the body as it was and x-replayed-from; failing again, it comes back linked to the first', async () => {
    await start();
    await vhost.publish('user.registered', null, { raw: Buffer.from('still not json'), messageId: 'msg-3', headers: { trace: 't-3' } });
    const [first] = await eventually(async () => ((await rows()).length === 1 ? rows() : undefined), 10_000, 'the dead letter stored');
    const seen = await vhost.capture('it-capture', 'user.#');
    await bus().handle({ type: 'ReplayDeadLetter', deadLetterId: first!.id });
    const relayed = await new KyselyOutboxRelayStore(kysely).relayBatch(10, (events) => Promise.all(events.map((e) => publisher.publish(e).then(() => ({ ok: true as const })))));
    expect(relayed).to.deep.equal({ claimed: 1, published: 1, failed: 0 });
    const [copy] = await eventually(async () => (seen.length > 0 ? seen : undefined), 10_000, 'the replay captured');
    expect(copy).to.deep.include({ routingKey: 'user.registered', messageId: 'msg-3', body: { raw: 'still not json' } });
    expect(copy?.headers).to.deep.include({ trace: 't-3', 'x-replayed-from': first!.id });
    expect(Object.keys(copy?.headers ?? {}).sort()).to.deep.equal(['trace', 'x-outbox-id', 'x-replayed-from']);
    const again = await eventually(async () => (await rows()).find((r) => r.id !== first!.id), 10_000, 'the replay dead-lettered again');
    expect(again).to.deep.include({ replay_of: first!.id, reason: 'unparseable', routing_key: 'user.registered' });
  });

  const relay = () => new KyselyOutboxRelayStore(kysely).relayBatch(10, (events) => Promise.all(events.map((e) => publisher.publish(e).then(() => ({ ok: true as const })))));

  it("replays an event published to the service's queue through the default exchange (as over REST) and dead-lettered by the service: back to that queue", async () => {
    await start();
    await vhost.withChannel(async (c) => {
      c.publish('', TOPOLOGY.queue, Buffer.from('{"marker":"direct-1",'), { persistent: true, messageId: 'msg-direct' });
      await c.waitForConfirms();
    });
    const [first] = await eventually(async () => ((await rows()).length === 1 ? rows() : undefined), 10_000, 'the dead letter stored');
    expect(first).to.deep.include({ exchange: '', routing_key: TOPOLOGY.queue, reason: 'unparseable' });
    await bus().handle({ type: 'ReplayDeadLetter', deadLetterId: first!.id, bindings: TOPOLOGY.bindings });
    expect(await relay()).to.deep.include({ published: 1, failed: 0 });
    // It reached the service's queue: consumed, and dead-lettered again as the replay of the first.
    const again = await eventually(async () => (await rows()).find((r) => r.id !== first!.id), 10_000, 'the replay dead-lettered again');
    expect(again).to.deep.include({ replay_of: first!.id, exchange: '', routing_key: TOPOLOGY.queue, reason: 'unparseable' });
  });

  it('replays without CC: a queue bound to the key it names receives the original, never the replay', async () => {
    await start();
    const billing = await vhost.capture('it-billing', 'billing.x');
    await vhost.publish('user.registered', null, { raw: Buffer.from('not json either'), messageId: 'msg-cc', headers: { CC: ['billing.x'] } });
    const [first] = await eventually(async () => ((await rows()).length === 1 ? rows() : undefined), 10_000, 'the dead letter stored');
    expect(billing.map((m) => m.messageId)).to.deep.equal(['msg-cc']);
    await bus().handle({ type: 'ReplayDeadLetter', deadLetterId: first!.id, bindings: TOPOLOGY.bindings });
    expect(await relay()).to.deep.include({ published: 1, failed: 0 });
    const again = await eventually(async () => (await rows()).find((r) => r.id !== first!.id), 10_000, 'the replay dead-lettered again');
    expect(again?.replay_of).to.equal(first!.id);
    expect(again?.headers).to.not.have.property('CC');
    expect(billing.map((m) => m.messageId), 'billing received the original only').to.deep.equal(['msg-cc']);
  });

  it('replays a dead letter that had no message id without one: the consumer keys it by its body, as the original, and takes it for a duplicate', async () => {
    await start();
    const body = Buffer.from(JSON.stringify({ event_type: 'user.registered', data: { userid: 'u-replay', username: 'Replay', email: 'replay@example.com' } }));
    await vhost.publish('user.registered', null, { raw: body });
    const consumed = (outcome: string) => metrics.eventsConsumed.get().then((m) => m.values.filter((v) => v.labels.outcome === outcome).reduce((sum, v) => sum + v.value, 0));
    await eventually(async () => (await sql`select 1 from inbox`.execute(kysely)).rows.length === 1 || undefined, 10_000, 'the original accepted');
    const [inbox] = (await sql<{ event_id: string }>`select event_id from inbox`.execute(kysely)).rows;
    expect(inbox?.event_id).to.match(/^sha256:/);
    // As the broker dead-letters a redelivery of it: the same bytes, no message id.
    const at = new Date();
    const message = {
      messageKey: 'sha256:replay-test', body, bodyTruncated: false, bodySize: body.length, headers: { 'x-death': [] }, droppedHeaders: [], properties: { contentType: 'application/json' },
      exchange: 'notification.events', routingKey: 'user.registered', queue: TOPOLOGY.queue, reason: 'delivery_limit', detail: '', firstDeathAt: at, lastDeathAt: at, deathCount: 1, replayOf: null,
    };
    await bus().handle({ type: 'StoreDeadLetter', message });
    const [row] = await rows();
    await bus().handle({ type: 'ReplayDeadLetter', deadLetterId: row!.id });
    const relayed = await new KyselyOutboxRelayStore(kysely).relayBatch(10, (events) => Promise.all(events.map((e) => publisher.publish(e).then(() => ({ ok: true as const })))));
    expect(relayed.failed).to.equal(0);
    await eventually(async () => (await consumed('duplicate')) === 1 || undefined, 10_000, 'the replay taken for a duplicate');
    expect((await sql`select 1 from inbox`.execute(kysely)).rows).to.have.length(1);
  });
});
