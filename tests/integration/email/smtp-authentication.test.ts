import { expect } from 'chai';
import { aMessage, flagsOf, senderOnSink } from './email-fixtures.js';

const CREDENTIALS = { username: 'notifications', password: 'correct horse battery staple' };

/**
 * The sink requires AUTH and never offers STARTTLS: the server as a network that strips STARTTLS
 * would present it. What matters is whether the credentials left the client.
 */
describe('NodemailerEmailSender: SMTP authentication (sink requiring AUTH, no STARTTLS)', () => {
  const world = senderOnSink({ auth: CREDENTIALS }, CREDENTIALS);
  const { open } = world;

  it('with a username and no TLS, never sends AUTH: provider_down, a configuration fault that says why', async () => {
    const outcome = await open().send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal({ kind: 'provider_down', attempted: true, configurationFault: true });
    expect(outcome).to.have.property('error').that.matches(
      /^the server offers no STARTTLS, and SMTP credentials are never sent without TLS \(SMTP_ALLOW_INSECURE_AUTH=true allows it\): ETLS STARTTLS: /,
    );
    expect(world.sink().commands).to.include('STARTTLS');
    expect(world.sink().commands).to.not.include('AUTH');
    expect(world.sink().messages).to.have.length(0);
  });

  it('verify fails the same way, without sending AUTH', async () => {
    const result = await open().verify();

    expect(result.ok).to.equal(false);
    expect(result).to.have.property('error').that.matches(/^ETLS STARTTLS: /);
    expect(world.sink().commands).to.not.include('AUTH');
  });

  it('with allowInsecureAuth, authenticates in clear text and sends', async () => {
    const outcome = await open({ allowInsecureAuth: true }).send(aMessage());

    expect(outcome.kind).to.equal('accepted');
    expect(world.sink().commands).to.include('AUTH');
    expect(world.sink().commands).to.not.include('STARTTLS');
    expect(world.sink().messages).to.have.length(1);
  });

  it('STARTTLS required by the configuration and refused: a configuration fault', async () => {
    const outcome = await open({ startTls: true, allowInsecureAuth: true }).send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal({ kind: 'provider_down', attempted: true, configurationFault: true });
    expect(outcome).to.have.property('error').that.matches(/^the server refused STARTTLS, so no TLS session could be set up: ETLS STARTTLS: /);
    expect(world.sink().commands).to.not.include('AUTH');
  });

  it('535 to AUTH (wrong password): provider_down, a configuration fault', async () => {
    const outcome = await open({ allowInsecureAuth: true, password: 'wrong' }).send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal({ kind: 'provider_down', attempted: true, configurationFault: true });
    expect(outcome.response).to.equal('535 authentication credentials invalid');
    expect(outcome).to.have.property('error').that.matches(/^EAUTH AUTH PLAIN: /);
  });

  it('454 to AUTH (temporary authentication failure): provider_down, not a configuration fault', async () => {
    world.sink().setFault({ auth: { code: 454, message: 'temporary authentication failure' } });
    const outcome = await open({ allowInsecureAuth: true }).send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal({ kind: 'provider_down', attempted: true, configurationFault: false });
    expect(outcome.response).to.equal('454 temporary authentication failure');
  });

  it('an incident answering AUTH 535, then recovered: provider_down, then accepted', async () => {
    const pooled = open({ allowInsecureAuth: true, pool: { maxConnections: 1, maxMessages: 100 } });
    world.sink().setFault({ auth: { code: 535, message: 'authentication backend says no' } });
    const during = await pooled.send(aMessage());
    world.sink().setFault(null);

    expect(flagsOf(during)).to.deep.equal({ kind: 'provider_down', attempted: true, configurationFault: true });
    expect((await pooled.send(aMessage())).kind).to.equal('accepted');
  });

  it('no username against a server that requires AUTH (530 to MAIL FROM): provider_down, a configuration fault', async () => {
    const outcome = await open({ username: undefined, password: undefined }).send(aMessage());

    expect(flagsOf(outcome)).to.deep.equal({ kind: 'provider_down', attempted: true, configurationFault: true });
    expect(outcome.response).to.match(/^530 /);
  });
});
