import { expect } from 'chai';
import { CALLBACK_URL, FROM, anSms, flagsOf, senderOnFake } from './sms-fixtures.js';

const MG = `MG${'fedcba9876543210'.repeat(2)}`;

describe('TwilioSmsSender: sending through the Messages API (Twilio fake)', () => {
  const { fake, open } = senderOnFake();

  it('is accepted with the sid Twilio gave as the provider id, and the segment count in the response', async () => {
    const outcome = await open().send(anSms());

    const [sms] = fake().accepted;
    expect(outcome).to.deep.equal({ kind: 'accepted', providerMessageId: sms?.sid, response: `201 ${sms?.sid} queued, 1 segment` });
    expect(sms?.sid).to.match(/^SM[0-9a-f]{32}$/);
  });

  it("posts exactly Twilio's form, with HTTP Basic auth of the account SID and token", async () => {
    const message = anSms('Grüße, ihr Code: 424242\nBis bald 👋');
    await open().send(message);

    const [request] = fake().requests;
    expect(request?.method).to.equal('POST');
    expect(request?.path).to.equal(`/2010-04-01/Accounts/${fake().account.sid}/Messages.json`);
    expect(request?.headers['content-type']).to.equal('application/x-www-form-urlencoded');
    const credentials = Buffer.from((request?.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
    expect(credentials).to.equal(`${fake().account.sid}:${fake().account.token}`);
    expect(request?.fields).to.deep.equal({ To: message.recipient, Body: 'Grüße, ihr Code: 424242\nBis bald 👋', From: FROM, StatusCallback: CALLBACK_URL });
  });

  it('sends through a Messaging Service instead of a From number when that is configured', async () => {
    const outcome = await open({ from: undefined, messagingServiceSid: MG, statusCallbackUrl: undefined }).send(anSms());

    expect(fake().requests[0]?.fields).to.deep.equal({ To: '+4915112345678', Body: 'Your code is 424242.', MessagingServiceSid: MG });
    expect(outcome).to.include({ kind: 'accepted' }).and.have.property('response').that.matches(/^201 SM[0-9a-f]{32} accepted, 1 segment$/);
  });

  it("records Twilio's num_segments: 2 for 200 GSM characters, 3 for 150 in UCS-2", async () => {
    const sender = open();
    const gsm = await sender.send(anSms('x'.repeat(200)));
    const ucs2 = await sender.send(anSms('ü😀'.repeat(50)));

    expect(gsm).to.have.property('response').that.matches(/, 2 segments$/);
    expect(ucs2).to.have.property('response').that.matches(/, 3 segments$/);
  });

  it('counts the segments itself when Twilio does not say', async () => {
    fake().respondWith([{ status: 201, rawBody: JSON.stringify({ sid: `SM${'a'.repeat(32)}`, status: 'queued' }) }]);
    const outcome = await open().send(anSms('€'.repeat(100)));

    expect(outcome).to.deep.equal({ kind: 'accepted', providerMessageId: `SM${'a'.repeat(32)}`, response: `201 SM${'a'.repeat(32)} queued, 2 segments` });
  });

  it('a 201 whose body is not JSON is still accepted (no resend, which would duplicate it), without a provider id', async () => {
    fake().respondWith([{ status: 201, rawBody: '<html>created</html>' }]);
    expect(await open().send(anSms())).to.deep.equal({ kind: 'accepted', providerMessageId: null, response: '201 without a readable sid, 1 segment' });
  });

  describe('refused before any request', () => {
    const cases: ReadonlyArray<[string, ReturnType<typeof anSms>, RegExp]> = [
      ['a recipient that is not E.164', anSms('hi', { recipient: '0151 12345678' }), /^recipient: must be an E\.164 number/],
      ['a body over 1,600 characters', anSms('x'.repeat(1_601)), /^body: must be at most 1600 characters$/],
      ['an empty body', anSms('   '), /^body: must not be empty$/],
      ['content for another channel', { ...anSms(), content: { channel: 'webhook', payload: '{}' } }, /^no SMS content \(got webhook\)$/],
    ];
    for (const [name, message, error] of cases) {
      it(`${name}: permanent, and Twilio never hears of it`, async () => {
        const outcome = await open().send(message);

        expect(outcome).to.include({ kind: 'permanent', response: null }).and.have.property('error').that.matches(error);
        expect(fake().requests).to.have.length(0);
      });
    }

    it('exactly 1,600 characters goes out', async () => {
      expect((await open().send(anSms('€'.repeat(1_600)))).kind).to.equal('accepted');
    });
  });

  it('keeps connections open between sends, and never opens more than SMS_MAX_CONNECTIONS', async () => {
    const sender = open({ maxConnections: 2 });
    await sender.send(anSms());
    await sender.send(anSms());
    expect(fake().connections).to.equal(1);

    const outcomes = await Promise.all(Array.from({ length: 8 }, () => sender.send(anSms())));
    expect(outcomes.map((o) => o.kind)).to.deep.equal(Array(8).fill('accepted'));
    expect(fake().connections).to.equal(2);
  });

  it('once closed, lets the send in flight finish and refuses the next without attempting it', async () => {
    fake().respondWith([{ delayMs: 200 }]);
    const sender = open();
    const inFlight = sender.send(anSms());
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = sender.close();

    expect((await inFlight).kind).to.equal('accepted');
    expect(flagsOf(await sender.send(anSms()))).to.deep.equal({ kind: 'provider_down', attempted: false, configurationFault: false });
    await closing;
  });

  it('GET /_fake/received lists what the fake accepted', async () => {
    await open().send(anSms('for the curious'));
    const listed = (await (await fetch(`${fake().baseUrl}/_fake/received`)).json()) as { messages: Array<{ body: string }> };
    expect(listed.messages.map((m) => m.body)).to.deep.equal(['for the curious']);
  });
});
