import { renderedAs } from '../../support/rendered.js';
import { expect } from 'chai';
import type { OutgoingMessage, RenderedFor } from '../../../src/application/ports/channel-sender.js';
import { aMessage, messageIdOf, senderOnSink } from './email-fixtures.js';

describe('NodemailerEmailSender against an smtp-server sink', () => {
  const world = senderOnSink();
  const { open } = world;

  it('is the email channel', () => {
    expect(open().channel).to.equal('email');
  });

  it('250: accepted with the reply and the queue id it names; a multipart email built from the message', async () => {
    const message = aMessage();
    const outcome = await open().send(message);

    expect(outcome).to.deep.equal({ kind: 'accepted', response: '250 OK: queued as 1', providerMessageId: '1' });
    const [received] = await world.sink().waitFor(1, 2_000);
    expect(received?.to).to.deep.equal(['ada@example.com']);
    expect(received?.from).to.equal('notifications@example.test');
    expect(received?.fromHeader).to.equal('"Notification Service" <notifications@example.test>');
    expect(received?.subject).to.equal('Bestätigen Sie Ihre E-Mail-Adresse ✓');
    expect(received?.text.trim()).to.equal(renderedAs('email', message.content).text);
    expect(received?.html.trim()).to.equal(renderedAs('email', message.content).html);
    expect(received?.headers['content-type']).to.match(/^multipart\/alternative;/);
    expect(received?.headers['message-id']).to.equal(`<${messageIdOf(message)}>`);
    expect(received?.headers['x-notification-id']).to.equal(message.notificationId);
    expect(received?.headers['x-notification-type']).to.equal('email_verification');
    expect(received?.headers['x-correlation-id']).to.equal(message.correlationId);
  });

  it('takes the Message-ID domain from the parsed From address, whatever its display name', async () => {
    const message = aMessage();
    await open({ from: '"Acme, Inc. <billing>" <No-Reply@Acme.COM>' }).send(message);

    const [received] = await world.sink().waitFor(1, 2_000);
    expect(received?.messageId).to.equal(`${message.notificationId}@acme.com`);
  });

  it('the same Message-ID on every send of a notification; the notification id stands in for a missing correlation id', async () => {
    const message = aMessage({ correlationId: null });
    const pooled = open();
    await pooled.send(message);
    await pooled.send(message);

    const received = await world.sink().waitFor(2, 2_000);
    expect(received.map((m) => m.messageId)).to.deep.equal([messageIdOf(message), messageIdOf(message)]);
    expect(received[0]?.headers['x-correlation-id']).to.equal(message.notificationId);
  });

  it('does not connect before the first send', async () => {
    open();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(world.sink().connections).to.equal(0);
  });

  describe('refuses header injection and malformed input without contacting the server', () => {
    const cases: Array<[string, Partial<OutgoingMessage>, Partial<RenderedFor<'email'>>, RegExp]> = [
      ['CRLF in the recipient', { recipient: 'ada@example.com\r\nBcc: eve@example.com' }, {}, /^recipient contains CR, LF or NUL/],
      ['LF in the subject', {}, { subject: 'Hi\nBcc: eve@example.com' }, /^subject contains CR, LF or NUL/],
      ['CRLF in the correlation id', { correlationId: 'a\r\nBcc: eve@example.com' }, {}, /^correlation id contains CR, LF or NUL/],
      ['CRLF in the notification id', { notificationId: 'x\r\nBcc: eve@example.com' }, {}, /^notification id contains CR, LF or NUL/],
      ['a notification id that cannot form a Message-ID', { notificationId: 'a b>' }, {}, /^notification id "a b>" cannot form a Message-ID/],
      ['two recipients', { recipient: 'ada@example.com, eve@example.com' }, {}, /^recipient must be exactly one email address/],
      ['no address', { recipient: 'Ada' }, {}, /^recipient must be exactly one email address/],
    ];
    for (const [name, overrides, content, error] of cases) {
      it(`${name}: permanent`, async () => {
        const outcome = await open().send(aMessage(overrides, content));

        expect(outcome.kind).to.equal('permanent');
        expect(outcome).to.have.property('error').that.matches(error);
        expect(outcome).to.have.property('response', null);
        expect(world.sink().connections).to.equal(0);
      });
    }
  });

  it('pooled: 20 concurrent sends are all accepted over at most maxConnections connections', async () => {
    const pooled = open({ pool: { maxConnections: 3, maxMessages: 100 } });
    const messages = Array.from({ length: 20 }, () => aMessage());

    const outcomes = await Promise.all(messages.map((message) => pooled.send(message)));

    expect(outcomes.map((o) => o.kind)).to.deep.equal(Array(20).fill('accepted'));
    await world.sink().waitFor(20, 2_000);
    expect([...world.sink().byMessageId().keys()].sort()).to.deep.equal(messages.map(messageIdOf).sort());
    expect(world.sink().connections).to.be.within(1, 3);
  });

  it('maxMessages: a connection is replaced after that many messages', async () => {
    const pooled = open({ pool: { maxConnections: 1, maxMessages: 2 } });
    for (let i = 0; i < 5; i += 1) expect((await pooled.send(aMessage())).kind).to.equal('accepted');
    expect(world.sink().connections).to.equal(3);
  });

  it('verify: ok against the sink', async () => {
    expect(await open().verify()).to.deep.equal({ ok: true });
  });

  it('close: later sends are provider_down, not attempted, without connecting; closing an unused sender is a no-op', async () => {
    const unused = open();
    await unused.close();
    expect(await unused.send(aMessage())).to.deep.equal({
      kind: 'provider_down',
      error: 'email sender is closed',
      response: null,
      attempted: false,
      configurationFault: false,
    });
    expect(await unused.verify()).to.deep.equal({ ok: false, error: 'email sender is closed' });
    expect(world.sink().connections).to.equal(0);
  });

  it('close waits for a send in flight to finish', async () => {
    const busy = open();
    const sending = busy.send(aMessage());
    await new Promise((resolve) => setTimeout(resolve, 20));
    await busy.close();
    expect((await sending).kind).to.equal('accepted');
  });
});
