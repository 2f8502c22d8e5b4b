import { expect } from 'chai';
import { PerEndpointCircuits } from '../../../src/adapters/webhook/per-endpoint-circuits.js';
import { DrippingReceiver } from '../../support/dripping-receiver.js';
import { aWebhook, flagsOf, senderWorld } from './webhook-fixtures.js';

const settled = async <T>(work: Promise<T>) => {
  const started = performance.now();
  const value = await work;
  return { value, ms: performance.now() - started };
};

describe('WebhookSender: receivers that hold a send (127.0.0.1)', () => {
  const world = senderWorld();

  it('a receiver that answers 200 and then drips its body: accepted within min(timeout, 2 s), and the connection let go', async function () {
    this.timeout(5_000);
    const dripping = await DrippingReceiver.start(300);
    try {
      const { value, ms } = await settled(world.open({ timeoutMs: 1_000 }).send(aWebhook(dripping.url())));
      expect(value).to.deep.equal({ kind: 'accepted', response: 'HTTP 200', providerMessageId: null });
      expect(ms).to.be.within(900, 1_800);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect([dripping.answered, dripping.dripping]).to.deep.equal([1, 0]);
    } finally {
      await dripping.close();
    }
  });

  it('one deadline bounds the whole exchange, a wait for a pooled connection included: six sends on one connection to a receiver that never answers all settle by twice the timeout plus the excerpt', async function () {
    this.timeout(5_000);
    world.receiver().respondWith(Array.from({ length: 6 }, () => ({ delayMs: 5_000 })));
    const sender = world.open({ timeoutMs: 500, maxConnections: 1 });
    const { value: outcomes, ms } = await settled(Promise.all(Array.from({ length: 6 }, () => sender.send(aWebhook(world.receiver().url())))));

    expect(ms).to.be.below(2_200);
    expect(outcomes.slice(0, 2).map(flagsOf)).to.deep.equal([{ kind: 'ambiguous' }, { kind: 'ambiguous' }]);
    expect(outcomes.slice(4).map(flagsOf)).to.deep.equal([1, 2].map(() => ({ kind: 'provider_down', attempted: true })));
    expect(outcomes[5]).to.have.property('error', 'could not connect to the endpoint (EWEBHOOK_DEADLINE: the exchange took longer than its deadline of 1500 ms)');
    expect(world.receiver().requests.length).to.be.at.most(4);
  });

  it('a receiver that takes requests and never answers: ambiguous each time, sends over its cap not attempted, and its breaker opened by the timeouts', async function () {
    this.timeout(8_000);
    world.receiver().respondWith(Array.from({ length: 5 }, () => ({ delayMs: 5_000 })));
    const limits = { maxInFlightPerEndpoint: 2, maxInFlightPerOrigin: 4 };
    const circuits = new PerEndpointCircuits(world.open({ timeoutMs: 400 }), { failuresToOpen: 3, halfOpenAfterMs: 60_000, ...limits }, { stateChanged: () => undefined });
    const url = world.receiver().url();
    const burst = await Promise.all([1, 2, 3].map(() => circuits.send(aWebhook(url))));
    const [third, fourth] = [await circuits.send(aWebhook(url)), await circuits.send(aWebhook(url))];

    expect(burst.map(flagsOf)).to.deep.equal([{ kind: 'ambiguous' }, { kind: 'ambiguous' }, { kind: 'provider_down', attempted: false }]);
    expect([third, fourth].map(flagsOf)).to.deep.equal([{ kind: 'ambiguous' }, { kind: 'provider_down', attempted: false }]);
    expect(fourth).to.have.property('error').that.matches(/^webhook circuit open: no answer within 400 ms after the request was sent/);
    expect([world.receiver().requests.length, circuits.openEndpoints]).to.deep.equal([3, 1]);
  });
});
