import { expect } from 'chai';
import type { DeliveryLimitEvidence } from '../../../src/adapters/rabbitmq/amqp-consumer.js';
import { HealthReporter } from '../../../src/entrypoints/health.js';
import { brokerHealth } from '../../../src/entrypoints/pipeline-health.js';
import type { Broker } from '../../../src/entrypoints/services.js';
import { DeadLetterHoldings } from '../../../src/entrypoints/amqp/dead-letter-holdings.js';

/** Just what brokerHealth reads of a broker. */
function broker(state: string, evidence: DeliveryLimitEvidence, holdings = new DeadLetterHoldings()): Broker {
  return {
    session: { health: () => ({ state, error: null }) },
    consumer: { consuming: state === 'connected', deliveryLimitEvidence: evidence },
    deadLetters: { consuming: state === 'connected' },
    deadLetterHoldings: holdings,
  } as unknown as Broker;
}

const HOUR_MS = 60 * 60 * 1000;

describe('brokerHealth', () => {
  it('shows how many dead letters the mover holds, its store failing, and for how long the oldest', async () => {
    let now = 1_000_000;
    const holdings = new DeadLetterHoldings(() => now);
    const [a, b] = [{}, {}];
    holdings.hold(a);
    now += 30_000;
    holdings.hold(b);
    holdings.hold(a);
    now += 5_000;
    const health = await brokerHealth(broker('connected', { limit: 20, pastLimit: null }, holdings)).check();
    expect(health.dead_letters).to.deep.equal({ consuming: true, held: 2, oldest_held_seconds: 35 });
    holdings.release(a);
    expect(holdings.snapshot).to.deep.equal({ held: 1, oldest_held_seconds: 5 });
  });

  it('is up while connected and nothing came back past the delivery limit', async () => {
    const health = await brokerHealth(broker('connected', { limit: 20, pastLimit: null })).check();
    expect(health).to.deep.equal({ status: 'up', state: 'connected', consuming: true, dead_letters: { consuming: true, held: 0, oldest_held_seconds: null } });
  });

  it('says the queue policy is not in effect, degraded, once a delivery came back past the limit', async () => {
    const at = new Date('2026-11-28T12:00:00Z');
    const health = await brokerHealth(broker('connected', { limit: 20, pastLimit: { count: 21, at } }), () => at.getTime() + 1_000).check();
    expect(health).to.deep.equal({
      status: 'degraded',
      state: 'connected',
      consuming: true,
      dead_letters: { consuming: true, held: 0, oldest_held_seconds: null },
      policies: 'not_in_effect',
      policies_evidence: 'a delivery carried x-delivery-count 21 at 2026-11-28T12:00:00.000Z, past the delivery limit of 20',
    });
  });

  it('forgets that evidence an hour after the last case: a policy applied since is not reported missing for ever', async () => {
    const at = new Date('2026-11-28T12:00:00Z');
    const evidence = { limit: 20, pastLimit: { count: 21, at } };
    const within = await brokerHealth(broker('connected', evidence), () => at.getTime() + HOUR_MS - 1).check();
    expect(within).to.deep.include({ status: 'degraded', policies: 'not_in_effect' });
    const after = await brokerHealth(broker('connected', evidence), () => at.getTime() + HOUR_MS).check();
    expect(after).to.deep.equal({ status: 'up', state: 'connected', consuming: true, dead_letters: { consuming: true, held: 0, oldest_held_seconds: null } });
  });

  it('stays down while disconnected, whatever it saw before', async () => {
    const health = await brokerHealth(broker('connecting', { limit: 20, pastLimit: { count: 25, at: new Date() } })).check();
    expect(health).to.deep.include({ status: 'down', policies: 'not_in_effect' });
  });

  it('is not critical: a broker outage makes the report degraded (200), never unhealthy (503)', async () => {
    const rabbitmq = brokerHealth(broker('connecting', { limit: 20, pastLimit: null }));
    expect(rabbitmq.critical).to.equal(false);
    const primary = { name: 'primary', critical: true, check: async () => ({ status: 'up' as const }) };
    const report = await new HealthReporter([primary, rabbitmq], 100).report();
    expect(report.status).to.equal('degraded');
    expect(report.components.rabbitmq).to.deep.include({ status: 'down' });
  });
});
