import { expect } from 'chai';
import { classifySendError, type SmtpSendContext } from '../../../src/adapters/email/smtp-outcome.js';

const BEFORE_DATA: SmtpSendContext = { messageHandedOver: false, tlsGuardsCredentials: false };
const AFTER_DATA: SmtpSendContext = { messageHandedOver: true, tlsGuardsCredentials: false };

/** A nodemailer error of the shapes documented in smtp-outcome.ts. */
function nodemailerError(fields: Record<string, unknown>): Error {
  const response = typeof fields.responseCode === 'number' ? { response: `${fields.responseCode} reply text` } : {};
  return Object.assign(new Error('boom'), response, fields);
}

type Expected = 'transient' | 'permanent' | 'ambiguous' | 'down' | 'misconfigured';

const CASES: ReadonlyArray<[string, Record<string, unknown>, SmtpSendContext, Expected]> = [
  ['421 greeting', { code: 'EPROTOCOL', command: 'CONN', responseCode: 421 }, BEFORE_DATA, 'down'],
  ['554 greeting', { code: 'EPROTOCOL', command: 'CONN', responseCode: 554 }, BEFORE_DATA, 'down'],
  ['421 to EHLO', { code: 'ECONNECTION', command: 'EHLO', responseCode: 421 }, BEFORE_DATA, 'down'],
  ['5xx to EHLO and HELO', { code: 'EPROTOCOL', command: 'HELO', responseCode: 502 }, BEFORE_DATA, 'down'],
  ['421 to MAIL FROM', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 421 }, BEFORE_DATA, 'down'],
  ['421 to the end of data', { code: 'EMESSAGE', command: 'DATA', responseCode: 421 }, AFTER_DATA, 'down'],
  ['421 to AUTH', { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 421 }, BEFORE_DATA, 'down'],
  ['454 to AUTH', { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 454 }, BEFORE_DATA, 'down'],
  ['454 to STARTTLS (TLS not available for now)', { code: 'ETLS', command: 'STARTTLS', responseCode: 454 }, BEFORE_DATA, 'down'],
  ['535 to AUTH', { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 535 }, BEFORE_DATA, 'misconfigured'],
  ['missing password', { code: 'EAUTH', command: 'API' }, BEFORE_DATA, 'misconfigured'],
  ['no credentials for the server', { code: 'ENOAUTH', command: 'API' }, BEFORE_DATA, 'misconfigured'],
  ['530 to MAIL FROM (authentication required)', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 530 }, BEFORE_DATA, 'misconfigured'],
  ['STARTTLS not offered', { code: 'ETLS', command: 'STARTTLS', responseCode: 500 }, BEFORE_DATA, 'misconfigured'],
  ['TLS handshake failed', { code: 'ETLS', command: 'STARTTLS' }, BEFORE_DATA, 'down'],
  ['450 to RCPT TO', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 450 }, BEFORE_DATA, 'transient'],
  ['451 to MAIL FROM', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 451 }, BEFORE_DATA, 'transient'],
  ['452 to the end of data', { code: 'EMESSAGE', command: 'DATA', responseCode: 452 }, AFTER_DATA, 'transient'],
  ['503 bad sequence', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 503 }, BEFORE_DATA, 'transient'],
  ['550 to RCPT TO', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550 }, BEFORE_DATA, 'permanent'],
  ['552 to the end of data', { code: 'EMESSAGE', command: 'DATA', responseCode: 552 }, AFTER_DATA, 'permanent'],
  ['554 to DATA', { code: 'EENVELOPE', command: 'DATA', responseCode: 554 }, BEFORE_DATA, 'permanent'],
  ['no usable recipient', { code: 'EENVELOPE', command: 'API' }, BEFORE_DATA, 'permanent'],
  ['over the SIZE limit', { code: 'EMESSAGE', command: 'MAIL FROM' }, BEFORE_DATA, 'permanent'],
  ['too many recipients', { code: 'EMAXRECIPIENTS', command: 'API' }, BEFORE_DATA, 'permanent'],
  ['451 4.3.0 to MAIL FROM (queue file write error)', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 451, response: '451 4.3.0 queue file write error' }, BEFORE_DATA, 'down'],
  ['452 4.3.1 to RCPT TO (insufficient system storage)', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 452, response: '452 4.3.1 Insufficient system storage' }, BEFORE_DATA, 'down'],
  ['452 4.3.1 to the end of data', { code: 'EMESSAGE', command: 'DATA', responseCode: 452, response: '452 4.3.1 Insufficient system storage' }, AFTER_DATA, 'down'],
  ['451 4.3.2 to STARTTLS (system not accepting): down, not a configuration fault', { code: 'ETLS', command: 'STARTTLS', responseCode: 451, response: '451 4.3.2 system not accepting network messages' }, BEFORE_DATA, 'down'],
  ['452 4.3.1 to AUTH: down, not a configuration fault', { code: 'EAUTH', command: 'AUTH PLAIN', responseCode: 452, response: '452 4.3.1 out of memory' }, BEFORE_DATA, 'down'],
  ['a multi-line 452-4.3.1 to RCPT TO', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 452, response: '452-4.3.1 Insufficient system storage\n452 4.3.1 try later' }, BEFORE_DATA, 'down'],
  ['450 4.7.1 to RCPT TO (greylisting)', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 450, response: '450 4.7.1 greylisted, try again later' }, BEFORE_DATA, 'transient'],
  ['450 4.2.1 to RCPT TO (mailbox busy)', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 450, response: '450 4.2.1 mailbox busy' }, BEFORE_DATA, 'transient'],
  ['452 4.5.3 to RCPT TO (too many recipients)', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 452, response: '452 4.5.3 too many recipients' }, BEFORE_DATA, 'transient'],
  ['451 4.7.1 to MAIL FROM (try again later, no x.3.x)', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 451, response: '451 4.7.1 please try again later' }, BEFORE_DATA, 'transient'],
  ['452 4.3.4 to the end of data (message too big for now)', { code: 'EMESSAGE', command: 'DATA', responseCode: 452, response: '452 4.3.4 message too big for system' }, AFTER_DATA, 'transient'],
  ['452 5.3.1 (class not the reply\'s): no enhanced code read', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 452, response: '452 5.3.1 storage' }, BEFORE_DATA, 'transient'],
  ['553 5.7.1 to MAIL FROM (sender not permitted)', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553, response: '553 5.7.1 sender not permitted' }, BEFORE_DATA, 'misconfigured'],
  ['550 5.7.60 to MAIL FROM (not permitted to send as this sender)', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 550, response: '550 5.7.60 not permitted to send as this sender' }, BEFORE_DATA, 'misconfigured'],
  ['550 to MAIL FROM without an enhanced code', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 550 }, BEFORE_DATA, 'misconfigured'],
  ['503 to MAIL FROM', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 503 }, BEFORE_DATA, 'misconfigured'],
  ['554 5.3.0 to MAIL FROM (mail system not accepting)', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 554, response: '554 5.3.0 not accepting mail' }, BEFORE_DATA, 'misconfigured'],
  ['552 5.3.4 to MAIL FROM (the SIZE declared for this message)', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 552, response: '552 5.3.4 Message size exceeds fixed limit' }, BEFORE_DATA, 'permanent'],
  ['552 to MAIL FROM without an enhanced code', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 552 }, BEFORE_DATA, 'permanent'],
  ['554 5.3.4 to MAIL FROM', { code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 554, response: '554 5.3.4 message too big for system' }, BEFORE_DATA, 'permanent'],
  ['553 5.7.1 to RCPT TO (relaying denied for this recipient)', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 553, response: '553 5.7.1 relaying denied' }, BEFORE_DATA, 'permanent'],
  ['550 5.7.1 to the end of data (content refused)', { code: 'EMESSAGE', command: 'DATA', responseCode: 550, response: '550 5.7.1 message refused as spam' }, AFTER_DATA, 'permanent'],
  ['552 5.3.4 to the end of data (message too big)', { code: 'EMESSAGE', command: 'DATA', responseCode: 552, response: '552 5.3.4 Message size exceeds fixed limit' }, AFTER_DATA, 'permanent'],
  ['554 5.3.0 to RCPT TO', { code: 'EENVELOPE', command: 'RCPT TO', responseCode: 554, response: '554 5.3.0 mail system error' }, BEFORE_DATA, 'permanent'],
  ['refused connection', { code: 'ESOCKET', command: 'CONN', originalCode: 'ECONNREFUSED' }, BEFORE_DATA, 'down'],
  ['unknown host', { code: 'EDNS', command: 'CONN', originalCode: 'ENOTFOUND' }, BEFORE_DATA, 'down'],
  ['connection timeout', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'CONNECT_TIMEOUT' }, BEFORE_DATA, 'down'],
  ['greeting timeout', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'GREETING_TIMEOUT' }, BEFORE_DATA, 'down'],
  ['socket timeout during the envelope', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'SOCKET_TIMEOUT' }, BEFORE_DATA, 'down'],
  ['drop during the envelope', { code: 'ECONNECTION', command: 'CONN' }, BEFORE_DATA, 'down'],
  ['pool gave up after re-queues', { code: 'ECONNECTION' }, BEFORE_DATA, 'down'],
  ['drop after the data', { code: 'ECONNECTION', command: 'CONN' }, AFTER_DATA, 'ambiguous'],
  ['socket timeout after the data', { code: 'ETIMEDOUT', command: 'CONN', timeoutType: 'SOCKET_TIMEOUT' }, AFTER_DATA, 'ambiguous'],
  ['a socket error after the data', { code: 'ESOCKET', command: 'CONN' }, AFTER_DATA, 'ambiguous'],
  ['an error nodemailer never documented', { code: 'EWHATEVER' }, BEFORE_DATA, 'transient'],
  ['not even an error code', {}, BEFORE_DATA, 'transient'],
];

function summary(expected: Expected): Record<string, unknown> {
  if (expected === 'down') return { kind: 'provider_down', attempted: true, configurationFault: false };
  if (expected === 'misconfigured') return { kind: 'provider_down', attempted: true, configurationFault: true };
  return { kind: expected };
}

describe('classifySendError: each nodemailer error shape to its outcome', () => {
  for (const [name, fields, context, expected] of CASES) {
    it(`${name}: ${expected}`, () => {
      const outcome = classifySendError(nodemailerError(fields), context);
      const { kind } = outcome;
      const flags = outcome.kind === 'provider_down' ? { attempted: outcome.attempted, configurationFault: outcome.configurationFault } : {};
      expect({ kind, ...flags }).to.deep.equal(summary(expected));
    });
  }
});

describe('classifySendError: what an outcome carries', () => {
  it('the server reply as response, and "CODE COMMAND: message" as error', () => {
    const error = nodemailerError({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 550, response: '550 5.1.1 no such user' });
    expect(classifySendError(error, BEFORE_DATA)).to.deep.equal({ kind: 'permanent', error: 'EENVELOPE RCPT TO: boom', response: '550 5.1.1 no such user' });
  });

  it('no response when the server gave none', () => {
    expect(classifySendError(nodemailerError({ code: 'ESOCKET', command: 'CONN' }), BEFORE_DATA)).to.have.property('response', null);
  });

  it('an ambiguous send says the message may have been delivered', () => {
    expect(classifySendError(nodemailerError({ code: 'ECONNECTION', command: 'CONN' }), AFTER_DATA)).to.have.property(
      'error',
      'no reply after the message data was sent, it may have been delivered: ECONNECTION CONN: boom',
    );
  });

  it('a refused STARTTLS that guards the credentials says so, and how to allow clear text', () => {
    const error = nodemailerError({ code: 'ETLS', command: 'STARTTLS', responseCode: 500 });
    const outcome = classifySendError(error, { messageHandedOver: false, tlsGuardsCredentials: true });
    expect(outcome).to.have.property('error').that.matches(/^the server offers no STARTTLS, and SMTP credentials are never sent without TLS \(SMTP_ALLOW_INSECURE_AUTH=true allows it\): ETLS STARTTLS: boom$/);
  });

  it('a 5xx to MAIL FROM says the sender SMTP_FROM was refused, with the reply', () => {
    const error = nodemailerError({ code: 'EENVELOPE', command: 'MAIL FROM', responseCode: 553, response: '553 5.7.1 sender not permitted' });
    expect(classifySendError(error, BEFORE_DATA)).to.deep.equal({
      kind: 'provider_down',
      error: 'the server refused the sender SMTP_FROM at MAIL FROM, so it would refuse every message: EENVELOPE MAIL FROM: boom',
      response: '553 5.7.1 sender not permitted',
      attempted: true,
      configurationFault: true,
    });
  });

  it('a 4xx x.3.x keeps nodemailer\'s description as error', () => {
    const error = nodemailerError({ code: 'EENVELOPE', command: 'RCPT TO', responseCode: 452, response: '452 4.3.1 Insufficient system storage' });
    expect(classifySendError(error, BEFORE_DATA)).to.include({ kind: 'provider_down', error: 'EENVELOPE RCPT TO: boom' });
  });

  it('a thrown non-Error is described, bounded', () => {
    const outcome = classifySendError('x'.repeat(2_000), BEFORE_DATA);
    expect(outcome).to.include({ kind: 'transient', response: null });
    expect(outcome).to.have.property('error').with.length(500);
  });
});
