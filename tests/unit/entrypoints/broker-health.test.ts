import { expect } from 'chai';
import type { DeliveryLimitEvidence } from '../../../src/adapters/rabbitmq/amqp-consumer.js';
import { brokerHealth } from '../../../src/entrypoints/pipeline-health.js';
import type { Broker } from '../../../src/entrypoints/services.js';

/** Just what brokerHealth reads of a broker. */
function broker(state: string, evidence: DeliveryLimitEvidence): Broker {
  return {
    session: { health: () => ({ state, error: null }) },
    consumer: { consuming: state === 'connected', deliveryLimitEvidence: evidence },
  } as unknown as Broker;
}

describe('brokerHealth', () => {
  it('is up while connected and nothing came back past the delivery limit', async () => {
    const health = await brokerHealth(broker('connected', { limit: 20, pastLimit: null })).check();
    expect(health).to.deep.equal({ status: 'up', state: 'connected', consuming: true });
  });

  it('says the queue policy is not in effect, degraded, once a delivery came back past the limit', async () => {
    const at = new Date('2026-11-28T12:00:00Z');
    const health = await brokerHealth(broker('connected', { limit: 20, pastLimit: { count: 21, at } })).check();
    expect(health).to.deep.equal({
      status: 'degraded',
      state: 'connected',
      consuming: true,
      policies: 'not_in_effect',
      policies_evidence: 'a delivery carried x-delivery-count 21 at 2026-11-28T12:00:00.000Z, past the delivery limit of 20',
    });
  });

  it('stays down while disconnected, whatever it saw before', async () => {
    const health = await brokerHealth(broker('connecting', { limit: 20, pastLimit: { count: 25, at: new Date() } })).check();
    expect(health).to.deep.include({ status: 'down', policies: 'not_in_effect' });
  });
});
