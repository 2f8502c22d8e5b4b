import { expect } from 'chai';
import type { Counter } from 'prom-client';
import { createLogger } from '../../../src/adapters/observability/logger.js';
import { ServiceMetrics } from '../../../src/adapters/observability/metrics.js';
import type { Delivery } from '../../../src/adapters/rabbitmq/amqp-consumer.js';
import type { UnitOfWorkFactory } from '../../../src/application/unit-of-work.js';
import { ConcurrentModificationError } from '../../../src/domain/errors.js';
import { eventDeliveryHandler } from '../../../src/entrypoints/amqp/event-delivery-handler.js';
import { FakeClock, FakeUnitOfWork, InMemoryStore } from '../../support/fakes.js';
import { fakeContainer, testStamping } from '../../support/test-container.js';
import { T0 } from '../mothers.js';

const connectionRefused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** A database that throws `failure()` for the first `failures` units of work, then works on `store`. */
function flakyDatabase(failures: number, failure: () => Error = connectionRefused) {
  const store = new InMemoryStore();
  const stamping = testStamping(new FakeClock(T0));
  const database = {
    store,
    executions: 0,
    unitOfWork: (() => {
      database.executions += 1;
      if (database.executions <= failures) throw failure();
      return new FakeUnitOfWork(store, stamping);
    }) as UnitOfWorkFactory,
  };
  return database;
}

/** The real handler over the real bus, with fakes behind it and a fast backoff. */
function handlerWith(unitOfWork?: UnitOfWorkFactory) {
  const container = fakeContainer(unitOfWork ? { unitOfWork } : {});
  const metrics = new ServiceMetrics();
  const handle = eventDeliveryHandler(container.bus, createLogger('silent'), metrics, { initialMs: 1, maxMs: 5 });
  return { ...container, metrics, handle };
}

const PASSWORD_RESET = {
  event_id: 'evt-1',
  userid: 'u-1',
  email: 'ada@example.com',
  reset_token: 'reset-1',
};

function delivery(body: unknown, fields: Partial<Delivery> = {}): Delivery {
  return {
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    routingKey: 'user.password_reset_requested',
    type: undefined,
    messageId: undefined,
    correlationId: 'corr-1',
    headers: {},
    redelivered: false,
    ...fields,
  };
}

const alive = () => true;

async function count<T extends string>(counter: Counter<T>, labels: Partial<Record<T, string>>): Promise<number> {
  const { values } = await counter.get();
  const matching = values.filter((v) => Object.entries(labels).every(([name, value]) => v.labels[name as T] === value));
  return matching.reduce((sum, v) => sum + v.value, 0);
}

describe('eventDeliveryHandler', () => {
  it('acks a valid delivery once the notification is stored', async () => {
    const { handle, store, metrics } = handlerWith();
    expect(await handle(delivery(PASSWORD_RESET), alive)).to.deep.equal({ kind: 'ack' });
    expect([...store.notifications.values()].map((n) => [n.type, n.recipient, n.status, n.sourceEventId, n.correlationId])).to.deep.equal([
      ['password_reset', 'ada@example.com', 'pending', 'evt-1', 'corr-1'],
    ]);
    expect(store.inbox.has('evt-1')).to.equal(true);
    expect(await count(metrics.eventsConsumed, { event_type: 'user.password_reset_requested', outcome: 'processed' })).to.equal(1);
  });

  it('holds the delivery while the database is down and acks once it is back', async () => {
    const database = flakyDatabase(4);
    const { handle, metrics } = handlerWith(database.unitOfWork);
    let livenessChecks = 0;
    const disposition = await handle(delivery(PASSWORD_RESET), () => ++livenessChecks > 0);
    expect(disposition).to.deep.equal({ kind: 'ack' });
    expect(database.executions).to.equal(5);
    expect(livenessChecks).to.equal(4);
    expect(database.store.notifications.size).to.equal(1);
    expect(await metrics.total(metrics.deadLettered)).to.equal(0);
    expect(await count(metrics.eventsConsumed, { outcome: 'requeued' })).to.equal(0);
  });

  it('also waits out a concurrent modification', async () => {
    const database = flakyDatabase(1, () => new ConcurrentModificationError('preferences of u-1 changed meanwhile'));
    const { handle } = handlerWith(database.unitOfWork);
    expect(await handle(delivery(PASSWORD_RESET), alive)).to.deep.equal({ kind: 'ack' });
    expect(database.store.notifications.size).to.equal(1);
  });

  it('requeues promptly when its channel dies while the database is down', async () => {
    const database = flakyDatabase(Number.POSITIVE_INFINITY);
    const { handle, metrics } = handlerWith(database.unitOfWork);
    const started = performance.now();
    const disposition = await handle(delivery(PASSWORD_RESET), () => database.executions < 3);
    expect(disposition).to.deep.equal({ kind: 'requeue' });
    expect(database.executions).to.equal(3);
    expect(performance.now() - started).to.be.lessThan(200);
    expect(database.store.notifications.size).to.equal(0);
    expect(await count(metrics.eventsConsumed, { outcome: 'requeued' })).to.equal(1);
    expect(await metrics.total(metrics.deadLettered)).to.equal(0);
  });

  it('dead-letters poison with its reason and counts it', async () => {
    const { handle, metrics, store } = handlerWith();
    const cases: Array<[Delivery, string]> = [
      [delivery('{not json'), 'unparseable'],
      [delivery(PASSWORD_RESET, { routingKey: 'user.deleted' }), 'unknown_event_type'],
      [delivery({ ...PASSWORD_RESET, email: 'not-an-email' }), 'invalid_payload'],
      [delivery({ ...PASSWORD_RESET, reset_token: undefined }), 'invalid_payload'],
    ];
    for (const [poisoned, reason] of cases) {
      const disposition = await handle(poisoned, alive);
      expect(disposition).to.deep.include({ kind: 'dead_letter', reason });
      expect(disposition.kind === 'dead_letter' && disposition.detail).to.be.a('string').and.not.equal('');
    }
    expect(await count(metrics.deadLettered, { reason: 'unparseable' })).to.equal(1);
    expect(await count(metrics.deadLettered, { reason: 'unknown_event_type' })).to.equal(1);
    expect(await count(metrics.deadLettered, { reason: 'invalid_payload' })).to.equal(2);
    expect(await count(metrics.eventsConsumed, { outcome: 'dead_lettered' })).to.equal(4);
    expect(store.notifications.size).to.equal(0);
    expect(store.inbox.size).to.equal(0);
  });

  it('dead-letters an event id seen before with another payload as payload_conflict', async () => {
    const { handle, metrics, store } = handlerWith();
    await handle(delivery(PASSWORD_RESET), alive);
    const disposition = await handle(delivery({ ...PASSWORD_RESET, reset_token: 'reset-2' }), alive);
    expect(disposition).to.deep.equal({
      kind: 'dead_letter',
      reason: 'payload_conflict',
      detail: 'event evt-1 was already received with a different payload',
    });
    expect(await count(metrics.deadLettered, { reason: 'payload_conflict' })).to.equal(1);
    expect([...store.notifications.values()].map((n) => n.content.templateVars.reset_token)).to.deep.equal(['reset-1']);
  });

  it('acks a redelivered event as a duplicate without a second notification', async () => {
    const { handle, metrics, store } = handlerWith();
    await handle(delivery(PASSWORD_RESET), alive);
    expect(await handle(delivery(PASSWORD_RESET, { redelivered: true }), alive)).to.deep.equal({ kind: 'ack' });
    expect(store.notifications.size).to.equal(1);
    expect(await count(metrics.eventsConsumed, { outcome: 'processed' })).to.equal(1);
    expect(await count(metrics.eventsConsumed, { event_type: 'user.password_reset_requested', outcome: 'duplicate' })).to.equal(1);
  });

  it('requeues at once on an unexpected error', async () => {
    const database = flakyDatabase(1, () => new Error('a bug'));
    const { handle, metrics } = handlerWith(database.unitOfWork);
    expect(await handle(delivery(PASSWORD_RESET), alive)).to.deep.equal({ kind: 'requeue' });
    expect(database.executions).to.equal(1);
    expect(await count(metrics.eventsConsumed, { outcome: 'requeued' })).to.equal(1);
    expect(await metrics.total(metrics.deadLettered)).to.equal(0);
  });
});
