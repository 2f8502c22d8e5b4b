import { expect } from 'chai';
import { createLogger } from '../../../src/adapters/observability/logger.js';
import { ServiceMetrics } from '../../../src/adapters/observability/metrics.js';
import type { PublishOutcome, RelayResult } from '../../../src/adapters/postgres/outbox-relay.store.js';
import { UnencodableError, UnroutableError } from '../../../src/adapters/rabbitmq/amqp-event-publisher.js';
import type { OutboundEvent } from '../../../src/application/ports/event-publisher.js';
import type { OutcomeStream } from '../../../src/application/ports/outcome-stream.js';
import { OutboxRelay, type OutboxRelayStore } from '../../../src/entrypoints/workers/outbox-relay.js';
import { eventually } from '../../support/databases.js';

const event = (routingKey: string, n: number): OutboundEvent => ({ eventId: `e-${n}`, routingKey, className: routingKey, correlationId: null, body: { n } });

/** Hands its events to the relay once, and keeps what came of each. */
class OneBatch implements OutboxRelayStore {
  outcomes: PublishOutcome[] | null = null;
  constructor(private events: OutboundEvent[]) {}
  async relayBatch(_limit: number, publish: (events: OutboundEvent[]) => Promise<PublishOutcome[]>): Promise<RelayResult> {
    const batch = this.events;
    this.events = [];
    if (batch.length === 0) return { claimed: 0, published: 0, failed: 0 };
    this.outcomes = await publish(batch);
    return { claimed: batch.length, published: this.outcomes.filter((o) => o.ok).length, failed: this.outcomes.filter((o) => !o.ok).length };
  }
  async backlog(): Promise<number> {
    return this.events.length;
  }
}

/** Confirms every event but those whose `n` is in `unroutable`. */
const publisher = (unroutable: readonly number[]) => ({
  ready: true,
  publish: async (e: OutboundEvent) => {
    if (unroutable.includes(e.body.n as number)) throw new UnroutableError('no queue');
  },
});

async function relayed(events: OutboundEvent[], outcomes: OutcomeStream, unroutable: readonly number[] = []): Promise<PublishOutcome[]> {
  const store = new OneBatch(events);
  const relay = new OutboxRelay(store, publisher(unroutable), { pollIntervalMs: 10, batchSize: 10 }, new ServiceMetrics(), createLogger('silent'), outcomes);
  relay.start();
  try {
    return await eventually(async () => store.outcomes ?? undefined, 2_000, 'the batch');
  } finally {
    await relay.stop();
  }
}

describe('OutboxRelay and the admin streams', () => {
  it('copies an outcome to the admin streams once the broker confirmed it, and nothing else', async () => {
    const copied: string[] = [];
    const events = [event('notification.sent', 1), event('notification.preferences_updated', 2), event('notification.failed', 3), event('notification.sent', 4)];
    const outcomes = await relayed(events, { publishOutcome: (e) => void copied.push(e.eventId) }, [4]);
    expect(outcomes.map((o) => o.ok)).to.deep.equal([true, true, true, false]);
    expect(copied, 'not the preference event, not the unroutable outcome').to.deep.equal(['e-1', 'e-3']);
  });

  it('never copies a replayed dead letter to the streams, nor names its routing key in a label, whatever key it came with', async () => {
    const copied: string[] = [];
    const raw = { body: Buffer.from('{}'), headers: { 'x-replayed-from': 'd-1' }, messageId: null, contentType: null };
    const metrics = new ServiceMetrics();
    const store = new OneBatch([{ ...event('notification.sent', 1), raw }]);
    const relay = new OutboxRelay(store, publisher([]), { pollIntervalMs: 10, batchSize: 10 }, metrics, createLogger('silent'), { publishOutcome: (e) => void copied.push(e.eventId) });
    relay.start();
    await eventually(async () => store.outcomes ?? undefined, 2_000, 'the batch');
    await relay.stop();
    expect(copied).to.deep.equal([]);
    expect((await metrics.outboxPublished.get()).values.map((v) => v.labels.routing_key)).to.deep.equal(['replay']);
  });

  it('labels what it published from a closed set: its own and the known types by name, any other key (a REST publish) as other', async () => {
    const metrics = new ServiceMetrics();
    const store = new OneBatch([event('notification.sent', 1), event('user.registered', 2), event('user.anything-a-caller-chose', 3), event('order.x.y', 4)]);
    const relay = new OutboxRelay(store, publisher([]), { pollIntervalMs: 10, batchSize: 10 }, metrics, createLogger('silent'), null);
    relay.start();
    await eventually(async () => store.outcomes ?? undefined, 2_000, 'the batch');
    await relay.stop();
    const labels = (await metrics.outboxPublished.get()).values.map((v) => [v.labels.routing_key, v.value]);
    expect(labels).to.deep.equal([['notification.sent', 1], ['user.registered', 1], ['other', 2]]);
  });

  it('says a replay amqplib cannot encode is permanent (parked), and an event that failed so is not', async () => {
    const raw = { body: Buffer.from('{}'), headers: { m: { '!': 'bogus' } }, messageId: null, contentType: null };
    const store = new OneBatch([{ ...event('user.registered', 1), raw }, event('user.registered', 2)]);
    const refusing = { ready: true, publish: async () => Promise.reject(new UnencodableError('Unknown type to encode: bogus')) };
    const relay = new OutboxRelay(store, refusing, { pollIntervalMs: 10, batchSize: 10 }, new ServiceMetrics(), createLogger('silent'), null);
    relay.start();
    const outcomes = await eventually(async () => store.outcomes ?? undefined, 2_000, 'the batch');
    await relay.stop();
    expect(outcomes).to.deep.equal([
      { ok: false, reason: 'unencodable', error: 'Unknown type to encode: bogus', permanent: true },
      { ok: false, reason: 'unencodable', error: 'Unknown type to encode: bogus', permanent: false },
    ]);
  });

  it('keeps the outbox outcome of every event when copying throws', async () => {
    const outcomes = await relayed([event('notification.sent', 1), event('notification.failed', 2)], {
      publishOutcome: () => {
        throw new Error('the stream relay broke');
      },
    });
    expect(outcomes).to.deep.equal([{ ok: true }, { ok: true }]);
  });
});
