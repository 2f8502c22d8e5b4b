import { expect } from 'chai';
import { CircuitBreakingSender } from '../../../src/adapters/delivery/circuit-breaking-sender.js';
import type { ChannelSender, CircuitState, OutgoingMessage } from '../../../src/application/ports/channel-sender.js';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import { accepted, ambiguous, permanent, providerDown, transient } from '../mothers.js';

const MESSAGE: OutgoingMessage = {
  notificationId: 'n-1',
  notificationType: 'welcome',
  userId: null,
  recipient: 'ada@example.com',
  correlationId: null,
  content: { channel: 'email', subject: 's', html: 'h', text: 't' },
};

/** A sender answering from a script; it counts the sends that reached it. */
function scripted(...answers: SendOutcome[]) {
  const inner = { channel: 'email' as const, calls: 0, send: async () => answers[Math.min(inner.calls++, answers.length - 1)] as SendOutcome };
  return inner satisfies ChannelSender & { calls: number };
}

function breaker(inner: ChannelSender, halfOpenAfterMs = 60_000) {
  const events: string[] = [];
  const sender = new CircuitBreakingSender(inner, { failuresToOpen: 3, halfOpenAfterMs }, {
    stateChanged: (channel, state: CircuitState) => events.push(`${channel} ${state}`),
    configurationFault: (channel, error) => events.push(`${channel} fault: ${error}`),
  });
  return { sender, events };
}

async function sendTimes(sender: ChannelSender, n: number): Promise<SendOutcome[]> {
  const outcomes: SendOutcome[] = [];
  for (let i = 0; i < n; i++) outcomes.push(await sender.send(MESSAGE));
  return outcomes;
}

describe('CircuitBreakingSender', () => {
  it('opens after three provider-down answers in a row and then refuses without sending, as not attempted', async () => {
    const inner = scripted(providerDown());
    const { sender, events } = breaker(inner);
    const outcomes = await sendTimes(sender, 5);
    expect(inner.calls).to.equal(3);
    expect(outcomes.slice(0, 3).map((o) => o.kind === 'provider_down' && o.attempted)).to.deep.equal([true, true, true]);
    expect(outcomes[4]).to.deep.equal({
      kind: 'provider_down',
      attempted: false,
      configurationFault: false,
      error: 'email circuit open: 421 service not available',
      response: null,
    });
    expect(sender.circuit).to.equal('open');
    expect(events).to.deep.equal(['email open']);
  });

  it('is kept closed by answers about one message: transient, permanent and ambiguous show the provider is up', async () => {
    const inner = scripted(providerDown(), providerDown(), transient(), providerDown(), providerDown(), permanent(), providerDown(), providerDown(), ambiguous());
    const { sender } = breaker(inner);
    await sendTimes(sender, 9);
    expect(inner.calls).to.equal(9);
    expect(sender.circuit).to.equal('closed');
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
