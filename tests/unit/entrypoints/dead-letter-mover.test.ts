import { expect } from 'chai';
import { createLogger } from '../../../src/adapters/observability/logger.js';
import { ServiceMetrics } from '../../../src/adapters/observability/metrics.js';
import type { Delivery } from '../../../src/adapters/rabbitmq/amqp-delivery.js';
import type { MessageBus } from '../../../src/application/message-bus.js';
import type { DeadLetterMessage } from '../../../src/domain/dead-letter.js';
import { DeadLetterHoldings } from '../../../src/entrypoints/amqp/dead-letter-holdings.js';
import { QUARANTINE_AFTER, deadLetterMover } from '../../../src/entrypoints/amqp/dead-letter-mover.js';
import { FakeClock } from '../../support/fakes.js';

const delivery: Delivery = {
  body: Buffer.from('{"a":1}'),
  routingKey: 'user.registered',
  exchange: 'notification-service.events.dlx',
  type: undefined,
  messageId: undefined,
  correlationId: undefined,
  headers: { 'x-dead-letter-reason': 'unparseable', 'x-original-routing-key': 'user.registered' },
  redelivered: false,
};

/** A PostgreSQL error as pg raises it: a SQLSTATE in `code`. */
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });

/** A bus whose StoreDeadLetter fails while `refuse` says so, and records each message it was handed. */
function storeBus(refuse: (message: DeadLetterMessage, call: number) => Error | null) {
  const handed: DeadLetterMessage[] = [];
  const bus = {
    handle: async (command: { message: DeadLetterMessage }) => {
      handed.push(command.message);
      const error = refuse(command.message, handed.length);
      if (error) throw error;
      return { outcome: 'stored' };
    },
  } as unknown as MessageBus;
  return { bus, handed };
}

const mover = (bus: MessageBus, holdings = new DeadLetterHoldings()) =>
  deadLetterMover({ bus, clock: new FakeClock(), logger: createLogger('silent'), metrics: new ServiceMetrics(), backoff: { initialMs: 1, maxMs: 2 }, pauseAfterCommitMs: 0, holdings });

describe('the dead-letter mover', () => {
  it(`stores a message the database refuses ${QUARANTINE_AFTER} times (a constraint, a value) as unstorable, its body kept, and acks it`, async () => {
    const { bus, handed } = storeBus((m) => (m.reason === 'unstorable' ? null : pgError('22003', 'integer out of range')));
    const holdings = new DeadLetterHoldings();
    expect(await mover(bus, holdings)(delivery, () => true)).to.deep.equal({ kind: 'ack' });
    expect(handed.map((m) => m.reason)).to.deep.equal([...Array(QUARANTINE_AFTER).fill('unparseable'), 'unstorable']);
    const stored = handed.at(-1)!;
    expect(stored).to.deep.include({ headers: {}, routingKey: '', detail: `stored without its headers after ${QUARANTINE_AFTER} failed attempts: integer out of range` });
    expect(stored.messageKey).to.equal(`unstorable:${handed[0]!.messageKey}`);
    expect(Buffer.from(stored.body).toString()).to.equal('{"a":1}');
    expect(holdings.snapshot).to.deep.equal({ held: 0, oldest_held_seconds: null });
  });

  it('holds, never quarantines, while the database says try later (a lost connection)', async () => {
    const { bus, handed } = storeBus((_m, call) => (call <= QUARANTINE_AFTER + 2 ? pgError('57P01', 'terminating connection due to administrator command') : null));
    expect(await mover(bus)(delivery, () => true)).to.deep.equal({ kind: 'ack' });
    expect(handed.map((m) => m.reason)).to.deep.equal(Array(QUARANTINE_AFTER + 3).fill('unparseable'));
  });

  it('holds a message with its reason and headers through a resource outage (disk full, no memory, a lock, a revoked grant) longer than the quarantine count', async () => {
    const outages = [pgError('53100', 'could not extend file: No space left on device'), pgError('53200', 'out of memory'), pgError('55P03', 'canceling statement due to lock timeout'), pgError('42501', 'permission denied for table dead_letters'), pgError('58030', 'could not write to file')];
    for (const outage of outages) {
      const { bus, handed } = storeBus((_m, call) => (call <= QUARANTINE_AFTER + 1 ? outage : null));
      expect(await mover(bus)(delivery, () => true), outage.message).to.deep.equal({ kind: 'ack' });
      const stored = handed.at(-1)!;
      expect(handed.length, outage.message).to.equal(QUARANTINE_AFTER + 2);
      expect({ reason: stored.reason, headers: stored.headers, routingKey: stored.routingKey, messageKey: stored.messageKey }, outage.message).to.deep.equal({
        reason: 'unparseable',
        headers: handed[0]!.headers,
        routingKey: 'user.registered',
        messageKey: handed[0]!.messageKey,
      });
      expect(Object.keys(stored.headers), outage.message).to.include('x-original-routing-key');
    }
  });

  it('does not count a failure that is no fault of the message (a missing table, a bug) toward quarantine', async () => {
    for (const failure of [pgError('42P01', 'relation "dead_letters" does not exist'), new TypeError('cannot read properties of undefined')]) {
      const { bus, handed } = storeBus((_m, call) => (call <= QUARANTINE_AFTER + 1 ? failure : null));
      expect(await mover(bus)(delivery, () => true), failure.message).to.deep.equal({ kind: 'ack' });
      expect(handed.map((m) => m.reason), failure.message).to.deep.equal(Array(QUARANTINE_AFTER + 2).fill('unparseable'));
    }
  });

  it(`stores a message a program limit (54000) refuses ${QUARANTINE_AFTER} times as unstorable`, async () => {
    const { bus, handed } = storeBus((m) => (m.reason === 'unstorable' ? null : pgError('54000', 'index row size 9000 exceeds btree version 4 maximum 2704')));
    expect(await mover(bus)(delivery, () => true)).to.deep.equal({ kind: 'ack' });
    expect(handed.map((m) => m.reason)).to.deep.equal([...Array(QUARANTINE_AFTER).fill('unparseable'), 'unstorable']);
  });

  it('counts the message held while its store fails, and hands it back when it may wait no longer', async () => {
    const holdings = new DeadLetterHoldings();
    let calls = 0;
    const { bus } = storeBus(() => pgError('57P01', 'terminating connection'));
    const outcome = await mover(bus, holdings)(delivery, () => {
      if (++calls === 2) expect(holdings.snapshot.held).to.equal(1);
      return calls < 3;
    });
    expect(outcome).to.deep.equal({ kind: 'requeue' });
    expect(holdings.snapshot.held).to.equal(0);
  });
});
