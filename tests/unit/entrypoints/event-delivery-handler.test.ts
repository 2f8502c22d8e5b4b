import { expect } from 'chai';
import { capturedLogger } from '../log-capture.js';
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

const withCode = (code: string, message: string) => () => Object.assign(new Error(message), { code });

/** The real handler over the real bus, with fakes behind it and a fast backoff. */
function handlerWith(unitOfWork?: UnitOfWorkFactory, logger = createLogger('silent'), backoff = { initialMs: 1, maxMs: 5 }) {
  const container = fakeContainer(unitOfWork ? { unitOfWork } : {});
  const metrics = new ServiceMetrics();
  const handle = eventDeliveryHandler(container.bus, logger, metrics, backoff);
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
    expect(livenessChecks).to.be.at.least(4);
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

  it('dead-letters poison with its reason, and leaves notification_dead_lettered_total to the consumer, which counts it once the broker confirmed', async () => {
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
    expect(await metrics.total(metrics.deadLettered)).to.equal(0);
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
    expect(await count(metrics.eventsConsumed, { outcome: 'dead_lettered' })).to.equal(1);
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

  it('holds the event through every database answer that means try later, and never requeues it', async () => {
    const tryLater = [
      withCode('57014', 'canceling statement due to statement timeout'),
      withCode('53300', 'sorry, too many clients already'),
      withCode('40P01', 'deadlock detected'),
      withCode('25P03', 'terminating connection due to idle-in-transaction timeout'),
      withCode('25006', 'cannot execute INSERT in a read-only transaction'),
      withCode('40001', 'could not serialize access'),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('53100', 'could not extend file: No space left on device'),
      withCode('55P03', 'canceling statement due to lock timeout'),
      withCode('42501', 'permission denied for table inbox'),
    ];
    for (const failure of tryLater) {
      const database = flakyDatabase(3, failure);
      const { handle, metrics } = handlerWith(database.unitOfWork);
      const message = failure().message;
      expect(await handle(delivery(PASSWORD_RESET), alive), message).to.deep.equal({ kind: 'ack' });
      expect(database.executions, message).to.equal(4);
      expect(database.store.notifications.size, message).to.equal(1);
      expect(await count(metrics.eventsConsumed, { outcome: 'requeued' }), message).to.equal(0);
      expect(await metrics.total(metrics.deadLettered), message).to.equal(0);
    }
  });

  it('counts an unknown or hostile event type under the label unknown and logs it truncated and escaped', async () => {
    const { lines, logger } = capturedLogger();
    const { handle, metrics } = handlerWith(undefined, logger);
    const hostile = `constructor\u202e\n${'x'.repeat(300)}`;
    for (const type of ['user.deleted', 'constructor', '__proto__', 'toString', hostile]) {
      expect(await handle(delivery(PASSWORD_RESET, { type }), alive)).to.deep.include({ kind: 'dead_letter', reason: 'unknown_event_type' });
    }
    await handle(delivery('{not json'), alive);
    const { values } = await metrics.eventsConsumed.get();
    expect(values.map((v) => v.labels.event_type)).to.deep.equal(['unknown']);
    expect(await count(metrics.eventsConsumed, { event_type: 'unknown', outcome: 'dead_lettered' })).to.equal(6);
    await new Promise((resolve) => setImmediate(resolve));
    const logged = lines.filter((l) => l.msg === 'event dead-lettered').map((l) => l.event_type);
    expect(logged.slice(0, 4)).to.deep.equal(['user.deleted', 'constructor', '__proto__', 'toString']);
    expect(logged[4]).to.equal(`constructor\\u202e\\u000a${'x'.repeat(87)}...`);
  });

  it('dead-letters an event id PostgreSQL cannot store as invalid_payload naming event_id or message_id, without touching the database', async () => {
    const database = flakyDatabase(0);
    const { handle } = handlerWith(database.unitOfWork);
    const nested = { event_type: 'user.password_reset_requested', event_id: 'evt\u0000', data: { ...PASSWORD_RESET, event_id: undefined } };
    expect(await handle(delivery(nested), alive)).to.deep.equal({ kind: 'dead_letter', reason: 'invalid_payload', detail: 'event_id: must not contain NUL characters or unpaired surrogates' });
    const noEventId = { ...PASSWORD_RESET, event_id: undefined };
    expect(await handle(delivery(noEventId, { messageId: 'msg\u0000' }), alive)).to.deep.include({ reason: 'invalid_payload', detail: 'message_id: must not contain NUL characters or unpaired surrogates' });
    expect(database.executions).to.equal(0);
  });

  it('dead-letters at the first delivery, as invalid_payload, an event the database refuses a character of (22021, 22P05): never requeued', async () => {
    const refusals = [withCode('22021', 'invalid byte sequence for encoding "UTF8": 0x00'), withCode('22P05', 'unsupported Unicode escape sequence')];
    for (const refusal of refusals) {
      const database = flakyDatabase(Number.POSITIVE_INFINITY, refusal);
      const { handle, metrics } = handlerWith(database.unitOfWork);
      const disposition = await handle(delivery(PASSWORD_RESET), alive);
      expect(disposition, refusal().message).to.deep.include({ kind: 'dead_letter', reason: 'invalid_payload' });
      expect(disposition.kind === 'dead_letter' && disposition.detail).to.include(refusal().message);
      expect(database.executions).to.equal(1);
      expect(await count(metrics.eventsConsumed, { outcome: 'requeued' })).to.equal(0);
    }
  });

  it('bounds and escapes the dead-letter detail it logs and hands on, and logs a poison message under a sane correlation id', async () => {
    const { lines, logger } = capturedLogger();
    const { handle } = handlerWith(undefined, logger);
    const key = `\u202e\n\u001b[31m${'k'.repeat(200_000)}`;
    const disposition = await handle(delivery({ ...PASSWORD_RESET, [key]: 'a\u0000' }, { correlationId: 'evil id\n\u202e' }), alive);
    const detail = disposition.kind === 'dead_letter' ? disposition.detail : '';
    expect(detail.length).to.be.within(100, 1_000);
    expect(detail).to.match(/^\\u202e\\u000a\\u001b\[31mkkk/).and.match(/^[\x20-\x7e]*$/);
    await new Promise((resolve) => setImmediate(resolve));
    const [line] = lines.filter((l) => l.msg === 'event dead-lettered');
    expect(line?.detail).to.equal(detail);
    expect(line?.correlation_id).to.be.a('string').and.match(/^[0-9a-f-]{36}$/);
  });

  it('stops holding an event through "try later" as soon as it may not wait any longer (a shutdown), even inside a long backoff', async () => {
    const database = flakyDatabase(Number.POSITIVE_INFINITY);
    const { handle } = handlerWith(database.unitOfWork, createLogger('silent'), { initialMs: 60_000, maxMs: 60_000 });
    let mayWait = true;
    setTimeout(() => (mayWait = false), 50);
    const started = performance.now();
    expect(await handle(delivery(PASSWORD_RESET), () => mayWait)).to.deep.equal({ kind: 'requeue' });
    expect(performance.now() - started).to.be.lessThan(1_000);
    expect(database.store.notifications.size).to.equal(0);
  });
});
