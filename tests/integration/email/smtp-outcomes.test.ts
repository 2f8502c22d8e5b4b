import { expect } from 'chai';
import { aMessage, flagsOf, messageIdOf, refusedPort, senderOnSink, silentServer, timed } from './email-fixtures.js';

const down = (configurationFault: boolean) => ({ kind: 'provider_down', attempted: true, configurationFault });

describe('NodemailerEmailSender: how each SMTP answer is classified (in-process sink)', () => {
  const world = senderOnSink();
  const { open } = world;

  it('421 to the greeting: provider_down, attempted, not a configuration fault', async () => {
    world.sink().setFault({ reply: { code: 421, message: 'too busy, come back later' }, at: ['greeting'] });
    const outcome = await open().send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal(down(false));
    expect(outcome.response).to.equal('421 too busy, come back later');
    expect(world.sink().commands).to.deep.equal([]);
  });

  it('421 to MAIL FROM: provider_down, and nothing reached the data', async () => {
    world.sink().setFault({ reply: { code: 421, message: 'service shutting down' }, at: ['mail'] });
    const outcome = await open().send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal(down(false));
    expect(outcome).to.have.property('error').that.matches(/^EENVELOPE MAIL FROM: /);
    expect(outcome.response).to.equal('421 service shutting down');
    expect(world.sink().allAttempts).to.have.length(0);
  });

  it('421 to the end of data: provider_down (the server answered: it did not take the message)', async () => {
    world.sink().setFault({ reply: { code: 421, message: 'closing' }, at: ['data'] });
    const outcome = await open().send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal(down(false));
    expect(world.sink().messages).to.have.length(0);
  });

  it('a 554 greeting refuses the session: provider_down', async () => {
    world.sink().setFault({ reply: { code: 554, message: 'no SMTP service here' }, at: ['greeting'] });
    expect(flagsOf(await open().send(aMessage()))).to.deep.equal(down(false));
  });

  it('an incident of 421 to everything, then 250: provider_down while it lasts, accepted after, over the same pool', async () => {
    const pooled = open({ pool: { maxConnections: 1, maxMessages: 100 } });
    world.sink().setFault({ reply: { code: 421 } });
    const during = await Promise.all([pooled.send(aMessage()), pooled.send(aMessage())]);
    world.sink().setFault(null);
    const after = await pooled.send(aMessage());

    expect(during.map(flagsOf)).to.deep.equal([down(false), down(false)]);
    expect(after.kind).to.equal('accepted');
    expect(world.sink().messages).to.have.length(1);
  });

  it('452 4.3.1 to RCPT TO (the server is out of storage): provider_down, not a configuration fault', async () => {
    world.sink().setFault({ reply: { code: 452, message: '4.3.1 Insufficient system storage' }, at: ['rcpt'] });
    const outcome = await open().send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal(down(false));
    expect(outcome).to.have.property('error').that.matches(/^EENVELOPE RCPT TO: /);
    expect(outcome.response).to.equal('452 4.3.1 Insufficient system storage');
    expect(world.sink().allAttempts).to.have.length(0);
  });

  it('451 4.3.0 to MAIL FROM and to the end of data (queue file write error): provider_down', async () => {
    world.sink().setFault({ reply: { code: 451, message: '4.3.0 queue file write error' }, at: ['mail'] });
    const atMail = await open().send(aMessage());
    world.sink().setFault({ reply: { code: 451, message: '4.3.0 queue file write error' }, at: ['data'] });
    const atData = await open().send(aMessage());

    expect([atMail, atData].map(flagsOf)).to.deep.equal([down(false), down(false)]);
    expect([atMail, atData].map((outcome) => outcome.response)).to.deep.equal(['451 4.3.0 queue file write error', '451 4.3.0 queue file write error']);
    expect(world.sink().messages).to.have.length(0);
  });

  it('a full disk (452 4.3.1 to every RCPT TO), then 250: provider_down while it lasts, accepted after, over the same pool', async () => {
    const pooled = open({ pool: { maxConnections: 1, maxMessages: 100 } });
    world.sink().setFault({ reply: { code: 452, message: '4.3.1 Insufficient system storage' }, at: ['rcpt'] });
    const during = await Promise.all([pooled.send(aMessage()), pooled.send(aMessage())]);
    world.sink().setFault(null);
    const after = await pooled.send(aMessage());

    expect(during.map(flagsOf)).to.deep.equal([down(false), down(false)]);
    expect(after.kind).to.equal('accepted');
    expect(world.sink().messages).to.have.length(1);
  });

  for (const [code, message] of [
    [553, '5.7.1 sender not permitted'],
    [550, '5.7.60 not permitted to send as this sender'],
  ] as const) {
    it(`${code} ${message} to MAIL FROM: provider_down, a configuration fault naming SMTP_FROM, nothing reached the data`, async () => {
      world.sink().setFault({ reply: { code, message }, at: ['mail'] });
      const outcome = await open().send(aMessage());

      expect(flagsOf(outcome)).to.deep.equal(down(true));
      expect(outcome).to.have.property('error').that.matches(
        /^the server refused the sender SMTP_FROM at MAIL FROM, so it would refuse every message: EENVELOPE MAIL FROM: /,
      );
      expect(outcome.response).to.equal(`${code} ${message}`);
      expect(world.sink().allAttempts).to.have.length(0);
    });
  }

  it('552 5.3.4 to MAIL FROM (the size declared for this message): permanent', async () => {
    world.sink().setFault({ reply: { code: 552, message: '5.3.4 Message size exceeds fixed limit' }, at: ['mail'] });
    const outcome = await open().send(aMessage());

    expect(outcome.kind).to.equal('permanent');
    expect(outcome.response).to.equal('552 5.3.4 Message size exceeds fixed limit');
  });

  for (const message of ['4.7.1 greylisted, try again later', '4.2.1 mailbox busy', '4.5.3 too many recipients']) {
    const code = message.startsWith('4.5.3') ? 452 : 450;
    it(`${code} ${message} to RCPT TO (about this message): transient`, async () => {
      world.sink().setFault({ reply: { code, message }, at: ['rcpt'] });
      const outcome = await open().send(aMessage());

      expect(outcome.kind).to.equal('transient');
      expect(outcome.response).to.equal(`${code} ${message}`);
    });
  }

  it('552 5.3.4 to the end of data (this message is too big): permanent', async () => {
    world.sink().setFault({ reply: { code: 552, message: '5.3.4 Message size exceeds fixed limit' }, at: ['data'] });
    const outcome = await open().send(aMessage());

    expect(outcome.kind).to.equal('permanent');
    expect(outcome.response).to.equal('552 5.3.4 Message size exceeds fixed limit');
  });

  it('450 to the end of data: transient, with the reply', async () => {
    world.sink().respondWith([{ reply: 450, message: 'mailbox busy, try later' }]);
    const outcome = await open().send(aMessage());

    expect(outcome).to.deep.equal({
      kind: 'transient',
      error: 'EMESSAGE DATA: Message failed: 450 mailbox busy, try later',
      response: '450 mailbox busy, try later',
    });
    expect(world.sink().allAttempts).to.have.length(1);
  });

  it('450 to RCPT TO (greylisting): transient', async () => {
    world.sink().setFault({ reply: { code: 450, message: 'greylisted, try again in 5 minutes' }, at: ['rcpt'] });
    const outcome = await open().send(aMessage());

    expect(outcome.kind).to.equal('transient');
    expect(outcome.response).to.equal('450 greylisted, try again in 5 minutes');
  });

  it('550 to the end of data: permanent, with the reply', async () => {
    world.sink().respondWith([{ reply: 550, message: 'no such user here' }]);
    expect(await open().send(aMessage())).to.deep.equal({
      kind: 'permanent',
      error: 'EMESSAGE DATA: Message failed: 550 no such user here',
      response: '550 no such user here',
    });
  });

  it('550 to RCPT TO: permanent', async () => {
    world.sink().setFault({ reply: { code: 550, message: 'no such user' }, at: ['rcpt'] });
    expect((await open().send(aMessage())).kind).to.equal('permanent');
  });

  it('connection dropped after the data, before the reply: ambiguous, and the message did reach the server', async () => {
    const message = aMessage();
    world.sink().respondWith([{ dropAfterData: true }]);
    const outcome = await open().send(message);

    expect(outcome).to.deep.equal({
      kind: 'ambiguous',
      error: 'no reply after the message data was sent, it may have been delivered: ECONNECTION CONN: Connection closed unexpectedly',
      response: null,
    });
    expect(world.sink().allAttempts.map((a) => a.messageId)).to.deep.equal([messageIdOf(message)]);
    expect(world.sink().messages).to.have.length(0);
  });

  it('drop after data on a reused pooled connection: ambiguous, no silent resend by the pool, and the pool recovers', async () => {
    const [first, dropped, later] = [aMessage(), aMessage(), aMessage()];
    const pooled = open({ pool: { maxConnections: 1, maxMessages: 100 } });
    world.sink().respondWith([{ reply: 250 }, { dropAfterData: true }]);

    expect((await pooled.send(first)).kind).to.equal('accepted');
    expect((await pooled.send(dropped)).kind).to.equal('ambiguous');
    expect((await pooled.send(later)).kind).to.equal('accepted');

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(world.sink().allAttempts.map((a) => a.messageId)).to.deep.equal([first, dropped, later].map(messageIdOf));
    expect(world.sink().messages.map((m) => m.messageId)).to.deep.equal([first, later].map(messageIdOf));
  });

  it('server silent after the data: ambiguous once the socket timeout fires', async () => {
    world.sink().respondWith([{ hangAfterData: true }]);
    const { outcome, ms } = await timed(open({ socketTimeoutMs: 500 }).send(aMessage()));

    expect(outcome.kind).to.equal('ambiguous');
    expect(outcome).to.have.property('error').that.matches(/ETIMEDOUT CONN: Timeout$/);
    expect(ms).to.be.within(450, 3_000);
  });

  it('connection dropped at RCPT TO, before the data: provider_down (the server said nothing about the message)', async () => {
    world.sink().respondWith([{ dropBeforeData: true }]);
    const outcome = await open().send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal(down(false));
    expect(outcome).to.have.property('error', 'ECONNECTION CONN: Connection closed unexpectedly');
    expect(world.sink().allAttempts).to.have.length(0);
  });

  it('nothing listening (ECONNREFUSED): provider_down within a second', async () => {
    const { outcome, ms } = await timed(open({}, await refusedPort()).send(aMessage()));

    expect(flagsOf(outcome)).to.deep.equal(down(false));
    expect(outcome).to.have.property('error').that.matches(/^ESOCKET CONN: connect ECONNREFUSED 127\.0\.0\.1:\d+/);
    expect(outcome.response).to.equal(null);
    expect(ms).to.be.below(1_000);
  });

  it('a server that never greets: provider_down after the greeting timeout', async () => {
    const silent = await silentServer();
    try {
      const { outcome, ms } = await timed(open({ greetingTimeoutMs: 300 }, silent.port).send(aMessage()));

      expect(flagsOf(outcome)).to.deep.equal(down(false));
      expect(outcome).to.have.property('error', 'ETIMEDOUT CONN: Greeting never received');
      expect(ms).to.be.within(250, 2_000);
    } finally {
      await silent.close();
    }
  });

  it('verify reports a refused port', async () => {
    const result = await open({}, await refusedPort()).verify();
    expect(result.ok).to.equal(false);
    expect(result).to.have.property('error').that.matches(/^ESOCKET CONN: connect ECONNREFUSED/);
  });
});
