import { expect } from 'chai';
import sinon from 'sinon';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import { accepted, ambiguous, permanent, providerDown, transient } from '../mothers.js';
import { breaker, MESSAGE, scripted, sendTimes } from './scripted-sender.js';

describe('CircuitBreakingSender', () => {
  afterEach(() => sinon.restore());

  it('opens after three provider-down answers in a row, then refuses without sending, as not attempted, due again when its probe is', async () => {
    const clock = sinon.useFakeTimers({ now: Date.parse('2026-03-01T12:00:00Z'), toFake: ['Date'] });
    const inner = scripted(providerDown());
    const { sender, events } = breaker(inner);
    const outcomes = await sendTimes(sender, 5);
    clock.tick(45_000);
    outcomes.push(await sender.send(MESSAGE));
    expect(inner.calls).to.equal(3);
    expect(outcomes.slice(0, 3).map((o) => o.kind === 'provider_down' && o.attempted)).to.deep.equal([true, true, true]);
    const refusal = { kind: 'provider_down', attempted: false, configurationFault: false, error: 'email circuit open: 421 service not available', response: null };
    expect(outcomes.slice(4)).to.deep.equal([{ ...refusal, retryAfterMs: 60_000 }, { ...refusal, retryAfterMs: 15_000 }]);
    expect([sender.circuit, events]).to.deep.equal(['open', ['email open']]);
  });

  it('is kept closed by answers about one message: transient, permanent and ambiguous show the provider is up', async () => {
    const inner = scripted(providerDown(), providerDown(), transient(), providerDown(), providerDown(), permanent(), providerDown(), providerDown(), ambiguous());
    const { sender } = breaker(inner);
    await sendTimes(sender, 9);
    expect(inner.calls).to.equal(9);
    expect(sender.circuit).to.equal('closed');
  });

  it('counts requests that got no answer at all (ambiguous, unanswered) as failures in a row with provider-down ones, and still returns them ambiguous', async () => {
    const tarpit: SendOutcome = { kind: 'ambiguous', error: 'no answer within 10000 ms after the request was sent', response: null, unanswered: true };
    const inner = scripted(tarpit, providerDown(), tarpit);
    const { sender, events } = breaker(inner);
    const outcomes = await sendTimes(sender, 4);
    expect(outcomes.map((o) => o.kind)).to.deep.equal(['ambiguous', 'provider_down', 'ambiguous', 'provider_down']);
    expect(outcomes[3]).to.deep.include({ attempted: false, configurationFault: false, error: `email circuit open: ${tarpit.error}` });
    expect([inner.calls, sender.circuit, sender.configurationFault, events]).to.deep.equal([3, 'open', null, ['email open']]);
  });

  it('says half-open once the wait has passed, and closes again when the probe is answered', async () => {
    const inner = scripted(providerDown(), providerDown(), providerDown(), accepted());
    const { sender, events } = breaker(inner, 20);
    await sendTimes(sender, 3);
    expect(sender.circuit).to.equal('open');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sender.circuit).to.equal('half_open');
    expect((await sender.send(MESSAGE)).kind).to.equal('accepted');
    expect(sender.circuit).to.equal('closed');
    expect(events).to.deep.equal(['email open', 'email half_open', 'email closed']);
  });

  it('reports a configuration fault (credentials refused) until a send gets through', async () => {
    const inner = scripted(providerDown({ error: '535 5.7.8 authentication failed', configurationFault: true }), accepted());
    const { sender, events } = breaker(inner);
    await sender.send(MESSAGE);
    expect(sender.configurationFault).to.equal('535 5.7.8 authentication failed');
    expect(events).to.deep.equal(['email fault: 535 5.7.8 authentication failed']);
    await sender.send(MESSAGE);
    expect(sender.configurationFault).to.equal(null);
  });

  it('keeps the configuration fault on the refusals of an open circuit', async () => {
    const { sender } = breaker(scripted(providerDown({ error: '535 bad credentials', configurationFault: true })));
    const outcomes = await sendTimes(sender, 4);
    expect(outcomes[3]).to.deep.include({ attempted: false, configurationFault: true, error: 'email circuit open: 535 bad credentials' });
  });

  it('counts no provider-down answer from a send that never reached the provider (its secrets could not be read)', async () => {
    const inner = scripted(providerDown({ attempted: false }));
    const { sender, events } = breaker(inner);
    const outcomes = await sendTimes(sender, 5);
    expect(inner.calls).to.equal(5);
    expect(outcomes.every((o) => o.kind === 'provider_down')).to.equal(true);
    expect([sender.circuit, events]).to.deep.equal(['closed', []]);
  });
});
