import { expect } from 'chai';
import { freePort } from '../../support/free-port.js';
import { anSms, flagsOf, senderOnFake } from './sms-fixtures.js';

const down = (configurationFault: boolean) => ({ kind: 'provider_down', attempted: true, configurationFault });

describe("TwilioSmsSender: how each of Twilio's answers is classified (Twilio fake)", () => {
  const { fake, open } = senderOnFake();

  it('429 20429 with Retry-After: provider_down, waiting as long as Twilio asked', async () => {
    fake().respondWith([{ status: 429, code: 20429, retryAfter: '7' }]);
    const outcome = await open().send(anSms());

    expect(flagsOf(outcome)).to.deep.equal(down(false));
    expect(outcome).to.include({ retryAfterMs: 7_000, response: '429 20429 Too Many Requests' });
  });

  it('500 and 503: provider_down, also when the body is a load balancer page', async () => {
    fake().respondWith([{ status: 500 }, { status: 503, rawBody: '<html>503 Service Temporarily Unavailable</html>' }]);
    const sender = open();
    const [first, second] = [await sender.send(anSms()), await sender.send(anSms())];

    expect([flagsOf(first), flagsOf(second)]).to.deep.equal([down(false), down(false)]);
    expect(first.response).to.equal('500 20500 An internal server error has occurred');
    expect(second.response).to.equal('503 (no Twilio error code: <html>503 Service Temporarily Unavailable</html>)');
  });

  it('a wrong auth token is refused by Twilio (401 20003): a configuration fault, the token never in the error', async () => {
    const outcome = await open({ authToken: 'not-the-right-token-at-all' }).send(anSms());

    expect(flagsOf(outcome)).to.deep.equal(down(true));
    expect(outcome).to.have.property('error').that.matches(/^Twilio refused the credentials SMS_ACCOUNT_SID and SMS_AUTH_TOKEN: Twilio answered 401 20003 Authenticate$/);
    expect(JSON.stringify(outcome)).not.to.include('not-the-right-token-at-all');
    expect(fake().accepted).to.have.length(0);
  });

  it("another account's SID in the path: 401 as well, a configuration fault", async () => {
    const outcome = await open({ accountSid: `AC${'9'.repeat(32)}` }).send(anSms());
    expect(flagsOf(outcome)).to.deep.equal(down(true));
  });

  it('21211 and 21614 (no such number, not a mobile): permanent, naming the code', async () => {
    fake().respondWith([{ status: 400, code: 21211 }, { status: 400, code: 21614 }]);
    const sender = open();
    const invalid = await sender.send(anSms());
    const landline = await sender.send(anSms());

    expect(invalid).to.deep.equal({ kind: 'permanent', error: "Twilio answered 400 21211 Invalid 'To' Phone Number", response: "400 21211 Invalid 'To' Phone Number" });
    expect(landline).to.include({ kind: 'permanent', response: "400 21614 'To' number is not a valid mobile number" });
  });

  it('21610 (the recipient replied STOP): permanent, and the number reported as opted out', async () => {
    fake().respondWith([{ status: 400, code: 21610 }]);
    const message = anSms();
    const outcome = await open().send(message);

    expect(outcome).to.deep.equal({
      kind: 'permanent',
      error: 'the recipient opted out (replied STOP): Twilio answered 400 21610 Attempt to send to unsubscribed recipient',
      response: '400 21610 Attempt to send to unsubscribed recipient',
      rejected: [{ address: message.recipient, reason: 'opted_out' }],
    });
  });

  it('a 400 code without a rule of its own: permanent, with its code and message', async () => {
    fake().respondWith([{ status: 400, code: 21408, message: "Permission to send an SMS has not been enabled for the region indicated by the 'To' number" }]);
    const outcome = await open().send(anSms());

    expect(outcome).to.include({ kind: 'permanent', response: "400 21408 Permission to send an SMS has not been enabled for the region indicated by the 'To' number" });
  });

  it('a 400 that refuses our sender (21212): a configuration fault, not a failed message', async () => {
    fake().respondWith([{ status: 400, code: 21212, message: "The 'From' number +15005550001 is not a valid phone number, shortcode, or alphanumeric sender ID." }]);
    const outcome = await open().send(anSms());

    expect(flagsOf(outcome)).to.deep.equal(down(true));
    expect(outcome).to.have.property('error').that.matches(/^Twilio refused the sender SMS_FROM or SMS_MESSAGING_SERVICE_SID, so it would refuse every message: /);
  });

  it('refusals of one destination (21606, 21612): permanent, so they neither open the breaker nor come back', async () => {
    fake().respondWith([
      { status: 400, code: 21606, message: "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination/account" },
      { status: 400, code: 21612, message: "Message cannot be sent with the current combination of 'To' and/or 'From' parameters" },
    ]);
    const sender = open();
    const outcomes = [await sender.send(anSms()), await sender.send(anSms())];

    expect(outcomes.map(flagsOf)).to.deep.equal([{ kind: 'permanent' }, { kind: 'permanent' }]);
    expect(outcomes[0]).to.have.property('error').that.matches(/^Twilio will not send from our sender to this destination: Twilio answered 400 21606 /);
  });

  it('a base URL that is not the API (404 20404): a configuration fault', async () => {
    const outcome = await open({ baseUrl: `${fake().baseUrl}/wrong/prefix` }).send(anSms());
    expect(flagsOf(outcome)).to.deep.equal(down(true));
    expect(outcome.response).to.equal('404 20404 The requested resource was not found');
  });

  it('the connection dropped once the whole request was received: ambiguous (Twilio may have it)', async () => {
    fake().respondWith([{ dropAfterReceive: true }]);
    const outcome = await open().send(anSms());

    expect(outcome).to.include({ kind: 'ambiguous', response: null }).and.have.property('error').that.matches(/^no answer after the request was sent, Twilio may have queued the message \(ECONNRESET: /);
    expect(fake().requests).to.have.length(1);
  });

  it('no answer within the response timeout: ambiguous, and in about that time', async () => {
    fake().respondWith([{ delayMs: 1_500 }]);
    const started = performance.now();
    const outcome = await open({ responseTimeoutMs: 300 }).send(anSms());
    const ms = performance.now() - started;

    expect(outcome).to.include({ kind: 'ambiguous' }).and.have.property('error').that.includes('ETIMEDOUT: await: no progress within 300 ms');
    expect(ms).to.be.within(280, 1_000);
  });

  it('a slow answer inside the timeout is accepted', async () => {
    fake().respondWith([{ delayMs: 300 }]);
    expect((await open({ responseTimeoutMs: 2_000 }).send(anSms())).kind).to.equal('accepted');
  });

  it('nothing listening: provider_down, attempted, at once', async () => {
    await fake().refuse();
    const started = performance.now();
    const outcome = await open().send(anSms());

    expect(flagsOf(outcome)).to.deep.equal(down(false));
    expect(outcome).to.have.property('error').that.matches(/^could not connect to Twilio \(ECONNREFUSED: /);
    expect(performance.now() - started).to.be.below(500);
  });

  it('a listener that goes away and comes back: provider_down while away, accepted after, on the same sender', async () => {
    const sender = open();
    expect((await sender.send(anSms())).kind).to.equal('accepted');
    await fake().refuse();
    expect(flagsOf(await sender.send(anSms()))).to.deep.equal(down(false));
    await fake().restore();
    expect((await sender.send(anSms())).kind).to.equal('accepted');
  });

  it('a host that does not resolve: provider_down', async () => {
    const outcome = await open({ baseUrl: 'http://twilio-fake.invalid', connectTimeoutMs: 2_000 }).send(anSms());
    expect(flagsOf(outcome)).to.deep.equal(down(false));
  });

  it('a port nobody listens on, over https: provider_down', async () => {
    const outcome = await open({ baseUrl: `https://127.0.0.1:${await freePort()}` }).send(anSms());
    expect(flagsOf(outcome)).to.deep.equal(down(false));
  });

  it('an outage of 503 to everything, then recovery: provider_down while it lasts, accepted after', async () => {
    const sender = open();
    fake().setFault({ status: 503, code: 20503, retryAfter: '2' });
    const during = await Promise.all([sender.send(anSms()), sender.send(anSms()), sender.send(anSms())]);
    fake().setFault(null);
    const after = await sender.send(anSms());

    expect(during.map(flagsOf)).to.deep.equal([down(false), down(false), down(false)]);
    expect(during.map((o) => (o.kind === 'provider_down' ? o.retryAfterMs : null))).to.deep.equal([2_000, 2_000, 2_000]);
    expect(after.kind).to.equal('accepted');
    expect(fake().accepted).to.have.length(1);
  });
});
