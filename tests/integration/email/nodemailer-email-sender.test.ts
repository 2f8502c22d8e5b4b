import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { expect } from 'chai';
import {
  NodemailerEmailSender,
  classifySendError,
  type NodemailerEmailSenderSettings,
} from '../../../src/adapters/email/nodemailer-email-sender.js';
import type { OutgoingEmail, SendOutcome } from '../../../src/application/ports/email-sender.js';
import { SmtpSink } from '../../support/smtp-sink.js';

function settingsFor(port: number, overrides: Partial<NodemailerEmailSenderSettings> = {}): NodemailerEmailSenderSettings {
  return {
    host: '127.0.0.1',
    port,
    secure: false,
    startTls: false,
    from: 'Notification Service <notifications@example.test>',
    pool: { maxConnections: 2, maxMessages: 100 },
    connectionTimeoutMs: 2_000,
    greetingTimeoutMs: 2_000,
    socketTimeoutMs: 5_000,
    ...overrides,
  };
}

function anEmail(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  const id = randomUUID();
  return {
    to: 'ada@example.com',
    subject: 'Bestätigen Sie Ihre E-Mail-Adresse ✓',
    html: `<p>Hello <b>Ada</b>, your code is ${id.slice(0, 6)}.</p>`,
    text: `Hello Ada, your code is ${id.slice(0, 6)}.`,
    messageId: `${id}@notifications.example.test`,
    headers: { 'X-Notification-Id': id, 'X-Notification-Type': 'email_verification' },
    ...overrides,
  };
}

/** A port with nothing listening on it. */
async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function timed(send: Promise<SendOutcome>): Promise<{ outcome: SendOutcome; ms: number }> {
  const started = performance.now();
  const outcome = await send;
  return { outcome, ms: performance.now() - started };
}

describe('NodemailerEmailSender against an smtp-server sink', () => {
  let sink: SmtpSink;
  let sender: NodemailerEmailSender | undefined;
  const open = (overrides: Partial<NodemailerEmailSenderSettings> = {}, port = sink.port): NodemailerEmailSender => {
    sender = new NodemailerEmailSender(settingsFor(port, overrides));
    return sender;
  };

  before(async () => {
    sink = await SmtpSink.start();
  });
  afterEach(async () => {
    await sender?.close();
    sender = undefined;
    sink.reset();
  });
  after(async () => {
    await sink.close();
  });

  it('250: accepted with the server reply; the sink has a multipart message with the Message-ID and extra headers', async () => {
    const email = anEmail();
    const outcome = await open().send(email);

    expect(outcome).to.deep.equal({ kind: 'accepted', response: '250 OK: queued as 1' });
    const [received] = await sink.waitFor(1, 2_000);
    expect(received?.messageId).to.equal(email.messageId);
    expect(received?.to).to.deep.equal(['ada@example.com']);
    expect(received?.from).to.equal('notifications@example.test');
    expect(received?.fromHeader).to.equal('"Notification Service" <notifications@example.test>');
    expect(received?.subject).to.equal('Bestätigen Sie Ihre E-Mail-Adresse ✓');
    expect(received?.text.trim()).to.equal(email.text);
    expect(received?.html.trim()).to.equal(email.html);
    expect(received?.headers['content-type']).to.match(/^multipart\/alternative;/);
    expect(received?.headers['message-id']).to.equal(`<${email.messageId}>`);
    expect(received?.headers['x-notification-id']).to.equal(email.headers['X-Notification-Id']);
    expect(received?.headers['x-notification-type']).to.equal('email_verification');
    expect(sink.byMessageId().get(email.messageId)).to.have.length(1);
  });

  it('does not connect before the first send', async () => {
    open();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sink.connections).to.equal(0);
  });

  it('450 to the data: transient, with the reply as response', async () => {
    sink.respondWith([{ reply: 450, message: 'mailbox busy, try later' }]);
    const outcome = await open().send(anEmail());

    expect(outcome.kind).to.equal('transient');
    expect(outcome).to.have.property('response', '450 mailbox busy, try later');
    expect(outcome).to.have.property('error').that.matches(/^EMESSAGE DATA: Message failed: 450/);
    expect(sink.messages).to.have.length(0);
    expect(sink.allAttempts).to.have.length(1);
  });

  it('550 to the data: permanent, with the reply as response', async () => {
    sink.respondWith([{ reply: 550, message: 'no such user here' }]);
    const outcome = await open().send(anEmail());

    expect(outcome).to.deep.equal({
      kind: 'permanent',
      error: 'EMESSAGE DATA: Message failed: 550 no such user here',
      response: '550 no such user here',
    });
    expect(sink.messages).to.have.length(0);
  });

  it('nothing listening: transient within a second', async () => {
    const port = await refusedPort();
    const { outcome, ms } = await timed(open({}, port).send(anEmail()));

    expect(outcome.kind).to.equal('transient');
    expect(outcome).to.have.property('error').that.matches(/^ESOCKET CONN: connect ECONNREFUSED 127\.0\.0\.1:\d+/);
    expect(outcome).to.have.property('response', null);
    expect(ms).to.be.below(1_000);
  });

  it('a server that never greets: transient after the greeting timeout', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as net.AddressInfo).port;
      const { outcome, ms } = await timed(open({ greetingTimeoutMs: 300 }, port).send(anEmail()));

      expect(outcome.kind).to.equal('transient');
      expect(outcome).to.have.property('error', 'ETIMEDOUT CONN: Greeting never received');
      expect(ms).to.be.within(250, 2_000);
    } finally {
      await sender?.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('connection dropped at RCPT TO, before DATA: transient (the server never saw the message)', async () => {
    sink.respondWith([{ dropBeforeData: true }]);
    const outcome = await open().send(anEmail());

    expect(outcome).to.deep.equal({ kind: 'transient', error: 'ECONNECTION CONN: Connection closed unexpectedly', response: null });
    expect(sink.allAttempts).to.have.length(0);
  });

  it('connection dropped after the data, before the reply: ambiguous, and the message did reach the server', async () => {
    const email = anEmail();
    sink.respondWith([{ dropAfterData: true }]);
    const outcome = await open().send(email);

    expect(outcome).to.deep.equal({
      kind: 'ambiguous',
      error: 'no reply after the message data was sent, it may have been delivered: ECONNECTION CONN: Connection closed unexpectedly',
      response: null,
    });
    expect(sink.allAttempts.map((a) => a.messageId)).to.deep.equal([email.messageId]);
    expect(sink.messages).to.have.length(0);
  });

  it('drop after data on a reused pooled connection: ambiguous, no silent resend by the pool, and the pool recovers', async () => {
    const first = anEmail();
    const dropped = anEmail();
    const after = anEmail();
    const pooled = open({ pool: { maxConnections: 1, maxMessages: 100 } });
    sink.respondWith([{ reply: 250 }, { dropAfterData: true }]);

    expect((await pooled.send(first)).kind).to.equal('accepted');
    expect((await pooled.send(dropped)).kind).to.equal('ambiguous');
    expect((await pooled.send(after)).kind).to.equal('accepted');

    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sink.allAttempts.map((a) => a.messageId)).to.deep.equal([first.messageId, dropped.messageId, after.messageId]);
    expect(sink.messages.map((m) => m.messageId)).to.deep.equal([first.messageId, after.messageId]);
    expect(sink.connections).to.equal(2);
  });

  it('server silent after the data: ambiguous once the socket timeout fires', async () => {
    const email = anEmail();
    sink.respondWith([{ hangAfterData: true }]);
    const { outcome, ms } = await timed(open({ socketTimeoutMs: 500 }).send(email));

    expect(outcome).to.deep.equal({
      kind: 'ambiguous',
      error: 'no reply after the message data was sent, it may have been delivered: ETIMEDOUT CONN: Timeout',
      response: null,
    });
    expect(ms).to.be.within(450, 3_000);
    expect(sink.allAttempts.map((a) => a.messageId)).to.deep.equal([email.messageId]);
  });

  describe('refuses header injection and malformed input without contacting the server', () => {
    const cases: Array<[string, Partial<OutgoingEmail>, RegExp]> = [
      ['CRLF in to', { to: 'ada@example.com\r\nBcc: eve@example.com' }, /^recipient contains CR, LF or NUL/],
      ['LF in subject', { subject: 'Hi\nBcc: eve@example.com' }, /^subject contains CR, LF or NUL/],
      ['CRLF in a header value', { headers: { 'X-Trace': 'a\r\nBcc: eve@example.com' } }, /^header X-Trace contains CR, LF or NUL/],
      ['a header name with a colon', { headers: { 'X-A: b': 'c' } }, /^invalid header name "X-A: b"/],
      ['a reserved header', { headers: { Bcc: 'eve@example.com' } }, /^header Bcc is set by the sender/],
      ['two recipients', { to: 'ada@example.com, eve@example.com' }, /^recipient must be exactly one email address/],
      ['no address', { to: 'Ada' }, /^recipient must be exactly one email address/],
      ['CRLF in the message id', { messageId: 'x@y\r\nBcc: eve@example.com' }, /^message id contains CR, LF or NUL/],
    ];
    for (const [name, overrides, error] of cases) {
      it(`${name}: permanent`, async () => {
        const outcome = await open().send(anEmail(overrides));

        expect(outcome.kind).to.equal('permanent');
        expect(outcome).to.have.property('error').that.matches(error);
        expect(outcome).to.have.property('response', null);
        expect(sink.connections).to.equal(0);
        expect(sink.allAttempts).to.have.length(0);
      });
    }
  });

  it('pooled: 20 concurrent sends are all accepted over at most maxConnections connections', async () => {
    const pooled = open({ pool: { maxConnections: 3, maxMessages: 100 } });
    const emails = Array.from({ length: 20 }, () => anEmail());

    const outcomes = await Promise.all(emails.map((email) => pooled.send(email)));

    expect(outcomes.map((o) => o.kind)).to.deep.equal(Array(20).fill('accepted'));
    await sink.waitFor(20, 2_000);
    expect([...sink.byMessageId().keys()].sort()).to.deep.equal(emails.map((e) => e.messageId).sort());
    expect(sink.connections).to.be.within(1, 3);
  });

  it('maxMessages: a connection is replaced after that many messages', async () => {
    const pooled = open({ pool: { maxConnections: 1, maxMessages: 2 } });
    for (let i = 0; i < 5; i += 1) expect((await pooled.send(anEmail())).kind).to.equal('accepted');
    expect(sink.connections).to.equal(3);
  });

  it('verify: ok against the sink, the error against a refused port', async () => {
    expect(await open().verify()).to.deep.equal({ ok: true });
    await sender?.close();

    const port = await refusedPort();
    const result = await open({}, port).verify();
    expect(result.ok).to.equal(false);
    expect(result).to.have.property('error').that.matches(/^ESOCKET CONN: connect ECONNREFUSED/);
  });

  it('close: later sends are transient without connecting; closing an unused sender is a no-op', async () => {
    const unused = open();
    await unused.close();
    expect(await unused.send(anEmail())).to.deep.equal({ kind: 'transient', error: 'email sender is closed', response: null });
    expect(await unused.verify()).to.deep.equal({ ok: false, error: 'email sender is closed' });
    expect(sink.connections).to.equal(0);
  });

  it('close waits for a send in flight to finish', async () => {
    const busy = open();
    const sending = busy.send(anEmail());
    await new Promise((resolve) => setTimeout(resolve, 20));
    await busy.close();
    expect((await sending).kind).to.equal('accepted');
  });
});

describe('classifySendError (reply codes and codes the sink cannot produce)', () => {
  const error = (fields: Record<string, unknown>) => Object.assign(new Error('boom'), fields);

  it('503 bad sequence is transient, other 5xx to the message are permanent', () => {
    expect(classifySendError(error({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 503, response: '503 bad sequence' }), false).kind).to.equal('transient');
    expect(classifySendError(error({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550, response: '550 no such user' }), false).kind).to.equal('permanent');
  });

  it('a 5xx refusing the session (greeting, EHLO) is transient', () => {
    expect(classifySendError(error({ code: 'EPROTOCOL', command: 'CONN', responseCode: 554, response: '554 go away' }), false).kind).to.equal('transient');
  });

  it('authentication failures are transient, even with a 535 reply', () => {
    expect(classifySendError(error({ code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535, response: '535 bad credentials' }), false)).to.deep.equal({
      kind: 'transient',
      error: 'EAUTH AUTH PLAIN: boom',
      response: '535 bad credentials',
    });
  });

  it('a 4xx reply after the data is transient, not ambiguous: the server answered', () => {
    expect(classifySendError(error({ code: 'EMESSAGE', command: 'DATA', responseCode: 451, response: '451 later' }), true).kind).to.equal('transient');
  });

  it('a size refusal raised by nodemailer without a reply is permanent', () => {
    expect(classifySendError(error({ code: 'EMESSAGE', command: 'MAIL FROM' }), false).kind).to.equal('permanent');
  });
});
