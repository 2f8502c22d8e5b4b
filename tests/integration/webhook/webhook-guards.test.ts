import { expect } from 'chai';
import { PerEndpointCircuits } from '../../../src/adapters/webhook/per-endpoint-circuits.js';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';
import { aWebhook, flagsOf, refusedPort, SECRET, senderWorld } from './webhook-fixtures.js';

describe('WebhookSender: endpoints that cannot be reached or may not be, and the per-endpoint breaker', () => {
  const world = senderWorld();

  it('a refused connection: provider_down, attempted (the endpoint is down)', async () => {
    const outcome = await world.open().send(aWebhook(`http://127.0.0.1:${await refusedPort()}/hook`));
    expect(flagsOf(outcome)).to.deep.equal({ kind: 'provider_down', attempted: true });
    expect(outcome).to.have.property('error').that.matches(/^could not connect to the endpoint \(ECONNREFUSED: connect ECONNREFUSED 127\.0\.0\.1:\d+\)$/);
  });

  it('a DNS failure, and a lookup still unanswered at the timeout: provider_down, attempted (nothing was sent)', async () => {
    const notFound = world.open({ allowPrivateNetworks: false, resolve: () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND hooks.example.test'), { code: 'ENOTFOUND' })) });
    const silent = world.open({ allowPrivateNetworks: false, timeoutMs: 300, resolve: () => new Promise(() => undefined) });
    const outcomes = [await notFound.send(aWebhook('https://hooks.example.test/x')), await silent.send(aWebhook('https://hooks.example.test/x'))];
    expect(outcomes.map(flagsOf)).to.deep.equal([1, 2].map(() => ({ kind: 'provider_down', attempted: true })));
    expect(outcomes[0]).to.have.property('error', 'could not connect to the endpoint (ENOTFOUND: getaddrinfo ENOTFOUND hooks.example.test)');
    expect(outcomes[1]).to.have.property('error').that.matches(/^could not connect to the endpoint \(UND_ERR_CONNECT_TIMEOUT: Connect Timeout Error/);
  });

  it('a receiver that stops listening: provider_down from then on', async () => {
    const sender = world.open();
    expect((await sender.send(aWebhook(world.receiver().url()))).kind).to.equal('accepted');
    await world.receiver().closeListener();
    expect(flagsOf(await sender.send(aWebhook(world.receiver().url())))).to.deep.equal({ kind: 'provider_down', attempted: true });
  });

  it('without WEBHOOK_ALLOW_PRIVATE_NETWORKS, the same receiver at 127.0.0.1 is refused before any connection', async () => {
    const outcome = await world.open({ allowPrivateNetworks: false }).send(aWebhook(world.receiver().url()));
    expect(outcome).to.deep.equal({ kind: 'permanent', error: 'refused webhook URL: its host 127.0.0.1 is a loopback address, not a public one', response: null });
    expect(world.receiver().requests).to.have.length(0);
  });

  it('without it, localhost is refused where the name is resolved, at connect time (the lookup guard)', async () => {
    const outcome = await world.open({ allowPrivateNetworks: false }).send(aWebhook(`http://localhost:${world.receiver().port}/hook`));
    expect(outcome).to.have.property('kind', 'permanent');
    expect(outcome).to.have.property('error').that.matches(/^refused webhook host localhost: (127\.0\.0\.1|::1) is a loopback address, not a public one$/);
    expect(world.receiver().requests).to.have.length(0);
  });

  it('the connection goes to the address the guard checked: a name resolving to 127.0.0.1 is refused, or reaches the receiver when allowed', async () => {
    const resolve = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);
    const url = `http://hooks.example.test:${world.receiver().port}/hook`;
    const refused = await world.open({ allowPrivateNetworks: false, resolve }).send(aWebhook(url));
    const allowed = await world.open({ allowPrivateNetworks: true, resolve }).send(aWebhook(url));
    expect(refused).to.deep.include({ kind: 'permanent', error: 'refused webhook host hooks.example.test: 127.0.0.1 is a loopback address, not a public one' });
    expect(allowed.kind).to.equal('accepted');
    expect(world.receiver().requests.map((r) => r.headers.host)).to.deep.equal([`hooks.example.test:${world.receiver().port}`]);
  });

  it('with it, localhost reaches the receiver', async () => {
    expect((await world.open().send(aWebhook(`http://localhost:${world.receiver().port}/hook`))).kind).to.equal('accepted');
  });

  it('the cloud metadata address is refused', async () => {
    const outcome = await world.open({ allowPrivateNetworks: false }).send(aWebhook('http://169.254.169.254/latest/meta-data/iam/security-credentials/'));
    expect(outcome).to.deep.include({ kind: 'permanent', error: 'refused webhook URL: its host 169.254.169.254 is the cloud metadata address, not a public one' });
  });

  it("per-endpoint breaker: receiver A down opens A's circuit while receiver B still accepts", async () => {
    const b = await WebhookReceiver.start([SECRET]);
    try {
      const circuits = new PerEndpointCircuits(world.open(), { failuresToOpen: 3, halfOpenAfterMs: 60_000, maxInFlightPerEndpoint: 4, maxInFlightPerOrigin: 4 }, { stateChanged: () => undefined });
      world.receiver().setFault({ status: 503 });
      const atA: SendOutcome[] = [];
      for (let i = 0; i < 5; i++) atA.push(await circuits.send(aWebhook(world.receiver().url())));
      const atB = await Promise.all([circuits.send(aWebhook(b.url())), circuits.send(aWebhook(b.url()))]);

      expect(atA.map(flagsOf).map((f) => f.attempted)).to.deep.equal([true, true, true, false, false]);
      expect(world.receiver().requests).to.have.length(3);
      expect(atB.map((o) => o.kind)).to.deep.equal(['accepted', 'accepted']);
      expect(b.accepted).to.have.length(2);
      expect(circuits.circuit).to.equal('closed');
    } finally {
      await b.close();
    }
  });
});
