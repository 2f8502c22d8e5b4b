import { expect } from 'chai';
import { anSms, flagsOf, senderOnFake } from './sms-fixtures.js';

describe('TwilioSmsSender: one send is bounded, the wait for a pooled connection included (Twilio fake)', () => {
  const { fake, open } = senderOnFake();

  it('no pooled connection freed within the connect timeout: provider_down, not attempted, and never sent later', async () => {
    fake().respondWith([{ delayMs: 800 }]);
    const sender = open({ maxConnections: 1, connectTimeoutMs: 200, responseTimeoutMs: 2_000 });
    const first = sender.send(anSms('first'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    const queued = await sender.send(anSms('queued'));

    expect(performance.now() - started).to.be.within(100, 500);
    expect(flagsOf(queued)).to.deep.equal({ kind: 'provider_down', attempted: false, configurationFault: false });
    expect(queued).to.have.property('error').that.matches(/^no connection to Twilio freed in time, all SMS_MAX_CONNECTIONS busy; nothing sent \(ETIMEDOUT: queued: /);
    expect((await first).kind).to.equal('accepted');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake().requests.map((r) => r.fields.Body)).to.deep.equal(['first']);
  });

  it('a queued send that gets its connection in time goes out as usual', async () => {
    fake().respondWith([{ delayMs: 150 }]);
    const sender = open({ maxConnections: 1, connectTimeoutMs: 1_000 });
    const outcomes = await Promise.all([sender.send(anSms('one')), sender.send(anSms('two'))]);
    expect(outcomes.map((o) => o.kind)).to.deep.equal(['accepted', 'accepted']);
  });

  it('writing the request and awaiting the answer share one timeout: a silent Twilio is given up on after it', async () => {
    fake().respondWith([{ delayMs: 1_000 }]);
    const started = performance.now();
    const outcome = await open({ connectTimeoutMs: 300, responseTimeoutMs: 300 }).send(anSms());
    expect(outcome.kind).to.equal('ambiguous');
    expect(performance.now() - started).to.be.within(280, 600);
  });
});
