import { expect } from 'chai';
import { NodemailerEmailSender, type NodemailerEmailSenderSettings } from '../../../src/adapters/email/nodemailer-email-sender.js';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import { SmtpSink } from '../../support/smtp-sink.js';
import { aMessage, settingsFor } from './email-fixtures.js';

const CREDENTIALS = { username: 'notifications', password: 'correct horse battery staple' };

/** The outcome without its texts, for comparing kinds and flags. */
function flagsOf(outcome: SendOutcome): Record<string, unknown> {
  const { error: _error, response: _response, ...flags } = outcome as SendOutcome & { error?: string };
  return flags;
}

/**
 * The sink requires AUTH and never offers STARTTLS: the server as a network that strips STARTTLS
 * would present it. What matters is whether the credentials left the client.
 */
describe('NodemailerEmailSender: SMTP authentication (sink requiring AUTH, no STARTTLS)', () => {
  let sink: SmtpSink;
  let sender: NodemailerEmailSender | undefined;
  const open = (overrides: Partial<NodemailerEmailSenderSettings> = {}): NodemailerEmailSender => {
    sender = new NodemailerEmailSender(settingsFor(sink.port, { ...CREDENTIALS, ...overrides }));
    return sender;
  };

  before(async () => {
    sink = await SmtpSink.start(0, { auth: CREDENTIALS });
  });
  afterEach(async () => {
    await sender?.close();
    sender = undefined;
    sink.reset();
  });
  after(async () => {
    await sink.close();
  });

  it('with a username and no TLS, never sends AUTH: provider_down, a configuration fault that says why', async () => {
    const outcome = await open().send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal({ kind: 'provider_down', attempted: true, configurationFault: true });
    expect(outcome).to.have.property('error').that.matches(
      /^the server offers no STARTTLS, and SMTP credentials are never sent without TLS \(SMTP_ALLOW_INSECURE_AUTH=true allows it\): ETLS STARTTLS: /,
    );
    expect(sink.commands).to.include('STARTTLS');
    expect(sink.commands).to.not.include('AUTH');
    expect(sink.messages).to.have.length(0);
  });

  it('verify fails the same way, without sending AUTH', async () => {
    const result = await open().verify();

    expect(result.ok).to.equal(false);
    expect(result).to.have.property('error').that.matches(/^ETLS STARTTLS: /);
    expect(sink.commands).to.not.include('AUTH');
  });

  it('with allowInsecureAuth, authenticates in clear text and sends', async () => {
    const outcome = await open({ allowInsecureAuth: true }).send(aMessage());

    expect(outcome.kind).to.equal('accepted');
    expect(sink.commands).to.include('AUTH');
    expect(sink.commands).to.not.include('STARTTLS');
    expect(sink.messages).to.have.length(1);
  });

  it('STARTTLS required by the configuration and refused: a configuration fault', async () => {
    const outcome = await open({ startTls: true, allowInsecureAuth: true }).send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal({ kind: 'provider_down', attempted: true, configurationFault: true });
    expect(outcome).to.have.property('error').that.matches(/^the server refused STARTTLS, so no TLS session could be set up: ETLS STARTTLS: /);
    expect(sink.commands).to.not.include('AUTH');
  });

  it('535 to AUTH (wrong password): provider_down, a configuration fault', async () => {
    const outcome = await open({ allowInsecureAuth: true, password: 'wrong' }).send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal({ kind: 'provider_down', attempted: true, configurationFault: true });
    expect(outcome.response).to.equal('535 authentication credentials invalid');
    expect(outcome).to.have.property('error').that.matches(/^EAUTH AUTH PLAIN: /);
  });

  it('454 to AUTH (temporary authentication failure): provider_down, not a configuration fault', async () => {
    sink.setFault({ auth: { code: 454, message: 'temporary authentication failure' } });
    const outcome = await open({ allowInsecureAuth: true }).send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal({ kind: 'provider_down', attempted: true, configurationFault: false });
    expect(outcome.response).to.equal('454 temporary authentication failure');
  });

  it('an incident answering AUTH 535, then recovered: provider_down, then accepted', async () => {
    const pooled = open({ allowInsecureAuth: true, pool: { maxConnections: 1, maxMessages: 100 } });
    sink.setFault({ auth: { code: 535, message: 'authentication backend says no' } });
    const during = await pooled.send(aMessage());
    sink.setFault(null);

    expect(flagsOf(during)).to.deep.equal({ kind: 'provider_down', attempted: true, configurationFault: true });
    expect((await pooled.send(aMessage())).kind).to.equal('accepted');
  });

  it('no username against a server that requires AUTH (530 to MAIL FROM): provider_down, a configuration fault', async () => {
    sender = new NodemailerEmailSender(settingsFor(sink.port));
    const outcome = await sender.send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal({ kind: 'provider_down', attempted: true, configurationFault: true });
    expect(outcome.response).to.match(/^530 /);
  });
});
