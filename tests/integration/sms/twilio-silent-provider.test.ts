import { expect } from 'chai';
import { CircuitBreakingSender } from '../../../src/adapters/delivery/circuit-breaking-sender.js';
import { anSms, flagsOf, senderOnFake } from './sms-fixtures.js';

const HANG = { delayMs: 1_000 };
const AMBIGUOUS = { kind: 'ambiguous' };
const DOWN = { kind: 'provider_down', attempted: true, configurationFault: false };

describe('TwilioSmsSender: a Twilio that takes requests and stops answering (Twilio fake)', () => {
  const { fake, open } = senderOnFake();

  it('the first two timeouts in a row are ambiguous, later ones provider_down, until Twilio answers again', async () => {
    fake().respondWith([HANG, HANG, HANG, HANG]);
    const sender = open({ responseTimeoutMs: 150 });
    const outcomes = [];
    for (let n = 0; n < 4; n += 1) outcomes.push(await sender.send(anSms()));

    expect(outcomes.map(flagsOf)).to.deep.equal([AMBIGUOUS, AMBIGUOUS, DOWN, DOWN]);
    expect(outcomes[2]).to.have.property('error').that.matches(/^Twilio answered none of the last 3 requests in time, so it is taken as down \(ETIMEDOUT: await: /);
    expect((await sender.send(anSms())).kind).to.equal('accepted');
    fake().respondWith([HANG]);
    expect(flagsOf(await sender.send(anSms()))).to.deep.equal(AMBIGUOUS);
  });

  it('a connection dropped after the request neither counts nor starts the count again', async () => {
    fake().respondWith([HANG, { dropAfterReceive: true }, HANG, HANG]);
    const sender = open({ responseTimeoutMs: 150 });
    const outcomes = [];
    for (let n = 0; n < 4; n += 1) outcomes.push(await sender.send(anSms()));

    expect(outcomes.map(flagsOf)).to.deep.equal([AMBIGUOUS, AMBIGUOUS, AMBIGUOUS, DOWN]);
  });

  it('the SMS breaker counts them and opens: later SMS wait without a request to Twilio', async () => {
    const listener = { stateChanged: () => undefined, configurationFault: () => undefined };
    const breaker = new CircuitBreakingSender(open({ responseTimeoutMs: 150 }), { failuresToOpen: 2, halfOpenAfterMs: 60_000 }, listener);
    fake().respondWith([HANG, HANG, HANG, HANG]);
    for (let n = 0; n < 4; n += 1) await breaker.send(anSms());

    expect(breaker.circuit).to.equal('open');
    const requests = fake().requests.length;
    expect(flagsOf(await breaker.send(anSms()))).to.deep.equal({ kind: 'provider_down', attempted: false, configurationFault: false });
    expect(fake().requests).to.have.length(requests);
  });
});
