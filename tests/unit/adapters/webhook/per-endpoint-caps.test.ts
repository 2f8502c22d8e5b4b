import { expect } from 'chai';
import { PerEndpointCircuits } from '../../../../src/adapters/webhook/per-endpoint-circuits.js';
import type { ChannelSender } from '../../../../src/application/ports/channel-sender.js';
import { held, to } from './scripted-endpoints.js';

function capped(inner: ChannelSender, maxInFlightPerOrigin: number, maxInFlightPerEndpoint = 50) {
  return new PerEndpointCircuits(inner, { failuresToOpen: 3, halfOpenAfterMs: 60_000, maxInFlightPerEndpoint, maxInFlightPerOrigin }, { stateChanged: () => undefined });
}

describe('PerEndpointCircuits: sends in flight', () => {
  it('answers provider_down, not attempted, soon to be retried, once an origin has as many sends in flight as it has connections: nothing queues in the client', async () => {
    const inner = held();
    const circuits = capped(inner, 2);
    const first = [circuits.send(to('https://a.example/one')), circuits.send(to('https://a.example/two'))];
    const over = await circuits.send(to('https://a.example:443/three'));
    const elsewhere = circuits.send(to('https://b.example/one'));

    expect(over).to.deep.include({ kind: 'provider_down', attempted: false, retryAfterMs: 1_000 });
    expect(over).to.have.property('error', '2 webhooks to https://a.example are in flight, as many as its connections');
    expect(inner.reached).to.deep.equal(['https://a.example/one', 'https://a.example/two', 'https://b.example/one']);
    await Promise.all([inner.answerOldest(), inner.answerOldest(), inner.answerOldest()]);
    expect((await Promise.all([...first, elsewhere])).map((o) => o.kind)).to.deep.equal(['accepted', 'accepted', 'accepted']);
  });

  it('holds an endpoint to its own cap of sends in flight, soon to be retried, while another path of its host still goes out', async () => {
    const inner = held();
    const circuits = capped(inner, 50, 2);
    const first = [circuits.send(to('https://a.example/tarpit')), circuits.send(to('https://a.example/tarpit?n=2'))];
    const over = await circuits.send(to('https://a.example/tarpit'));
    const otherPath = circuits.send(to('https://a.example/other'));

    expect(over).to.deep.equal({ kind: 'provider_down', attempted: false, configurationFault: false, retryAfterMs: 1_000, busy: true, response: null, error: '2 webhooks to this endpoint are in flight already' });
    expect(inner.reached).to.deep.equal(['https://a.example/tarpit', 'https://a.example/tarpit?n=2', 'https://a.example/other']);
    await Promise.all([inner.answerOldest(), inner.answerOldest(), inner.answerOldest()]);
    expect((await Promise.all([...first, otherPath])).map((o) => o.kind)).to.deep.equal(['accepted', 'accepted', 'accepted']);
  });

  it('lets the next send go once one in flight has ended', async () => {
    const inner = held();
    const circuits = capped(inner, 1);
    const first = circuits.send(to('https://a.example/one'));
    expect(await circuits.send(to('https://a.example/one'))).to.deep.include({ kind: 'provider_down', attempted: false });
    await inner.answerOldest();
    await first;
    const next = circuits.send(to('https://a.example/one'));
    await inner.answerOldest();
    expect((await next).kind).to.equal('accepted');
    expect(inner.reached).to.have.length(2);
  });
});
