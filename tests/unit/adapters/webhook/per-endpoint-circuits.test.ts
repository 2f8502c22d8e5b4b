import { expect } from 'chai';
import sinon from 'sinon';
import { PerEndpointCircuits } from '../../../../src/adapters/webhook/per-endpoint-circuits.js';
import type { ChannelSender } from '../../../../src/application/ports/channel-sender.js';
import { endpoints, sendTimes, to } from './scripted-endpoints.js';

function guarded(inner: ChannelSender, capacity?: number) {
  const changes: string[] = [];
  const circuits = new PerEndpointCircuits(inner, { failuresToOpen: 3, halfOpenAfterMs: 60_000, maxInFlightPerEndpoint: 50, maxInFlightPerOrigin: 50 }, { stateChanged: (endpoint, state) => changes.push(`${endpoint} ${state}`) }, capacity);
  return { circuits, changes };
}

const A = 'https://a.example/hook';
const B = 'https://b.example/hook';

describe('PerEndpointCircuits', () => {
  afterEach(() => sinon.restore());

  it("opens a failing endpoint's circuit only: it answers provider_down, not attempted, while another endpoint still gets its sends", async () => {
    const inner = endpoints(new Set([A]));
    const { circuits, changes } = guarded(inner);
    const atA = await sendTimes(circuits, A, 5);
    const atB = await sendTimes(circuits, B, 2);

    expect(atA.map((o) => o.kind === 'provider_down' && o.attempted)).to.deep.equal([true, true, true, false, false]);
    expect(atA[4]).to.deep.include({ error: 'webhook circuit open: the endpoint is failing: HTTP 503' });
    expect(atB.map((o) => o.kind)).to.deep.equal(['accepted', 'accepted']);
    expect(Object.fromEntries(inner.reached)).to.deep.equal({ [A]: 3, [B]: 2 });
    expect(changes).to.deep.equal(['https://a.example:443 #6fc2d0517add open']);
    expect(circuits.openEndpoints).to.equal(1);
  });

  it("defers an open endpoint's sends to its half-open probe rather than re-claiming them every few seconds meanwhile", async () => {
    const clock = sinon.useFakeTimers({ now: Date.parse('2026-03-01T12:00:00Z'), toFake: ['Date'] });
    const { circuits } = guarded(endpoints(new Set([A])));
    await sendTimes(circuits, A, 3);
    clock.tick(20_000);
    expect((await sendTimes(circuits, A, 1))[0]).to.deep.include({ kind: 'provider_down', attempted: false, retryAfterMs: 40_000 });
  });

  it('tells the worker the channel is closed, whatever its endpoints, so webhooks stay claimable', async () => {
    const { circuits } = guarded(endpoints(new Set([A])));
    await sendTimes(circuits, A, 3);
    expect(circuits.circuit).to.equal('closed');
    expect(circuits.configurationFault).to.equal(null);
  });

  it("keeps one customer's failing path on a shared host from opening the circuit of another path there", async () => {
    const inner = endpoints(new Set([A]));
    const { circuits } = guarded(inner);
    await sendTimes(circuits, A, 4);
    const atOtherPath = await sendTimes(circuits, 'https://a.example/other-customer', 2);
    expect(atOtherPath.map((o) => o.kind)).to.deep.equal(['accepted', 'accepted']);
    expect(circuits.openEndpoints).to.equal(1);
  });

  it('forgets the least recently used closed circuit first when full, and keeps open ones', async () => {
    const inner = endpoints(new Set([A]));
    const { circuits } = guarded(inner, 2);
    await sendTimes(circuits, A, 3);
    await sendTimes(circuits, B, 1);
    await sendTimes(circuits, 'https://c.example/hook', 1);
    const afterEviction = await sendTimes(circuits, A, 1);
    expect(afterEviction[0]).to.deep.include({ kind: 'provider_down', attempted: false });
    expect(inner.reached.get(A)).to.equal(3);
  });

  it('hands a recipient that is not a URL to the sender, which refuses it, under no circuit', async () => {
    const inner = endpoints(new Set());
    await guarded(inner).circuits.send(to('not a url'));
    expect(inner.reached.get('not a url')).to.equal(1);
  });
});
