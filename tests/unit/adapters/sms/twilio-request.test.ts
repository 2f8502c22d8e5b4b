import { expect } from 'chai';
import { classifyHttpFailure } from '../../../../src/adapters/sms/http-failure.js';
import type { SmsSettings } from '../../../../src/adapters/sms/sms-settings.js';
import { basicAuthorization, messagesUrl, twilioRequestFor } from '../../../../src/adapters/sms/twilio-request.js';
import type { OutgoingMessage } from '../../../../src/application/ports/channel-sender.js';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const SETTINGS: SmsSettings = {
  accountSid: SID, authToken: 'secret-token', from: 'Acme', messagingServiceSid: `MG${'f'.repeat(32)}`, baseUrl: 'https://proxy.example.com/twilio',
  statusCallbackUrl: undefined, connectTimeoutMs: 1_000, responseTimeoutMs: 1_000, maxConnections: 1,
};
const MESSAGE: OutgoingMessage = {
  notificationId: 'n-1', notificationType: 'password_reset', userId: 'u-1', recipient: '+4915112345678', correlationId: null,
  content: { channel: 'sms', body: 'Code: 1234 & more = fun' },
};

describe('the Twilio request for a message', () => {
  it("goes to the account's Messages resource under the base URL, its path prefix kept", () => {
    expect(messagesUrl(SETTINGS).href).to.equal(`https://proxy.example.com/twilio/2010-04-01/Accounts/${SID}/Messages.json`);
  });

  it('authenticates with HTTP Basic of the account SID and the auth token', () => {
    expect(basicAuthorization(SETTINGS)).to.equal(`Basic ${Buffer.from(`${SID}:secret-token`).toString('base64')}`);
  });

  it('form-encodes To and Body, and both a From and a Messaging Service when both are set', () => {
    const request = twilioRequestFor(MESSAGE, SETTINGS);
    expect(request).to.have.property('form');
    const { form } = request as { form: URLSearchParams };
    expect(form.toString()).to.equal(`To=%2B4915112345678&Body=Code%3A+1234+%26+more+%3D+fun&From=Acme&MessagingServiceSid=MG${'f'.repeat(32)}`);
  });

  it('refuses a recipient that is not E.164 without naming the number', () => {
    expect(twilioRequestFor({ ...MESSAGE, recipient: '+49 151 12345678' }, SETTINGS)).to.deep.equal({
      refusal: 'recipient: must be an E.164 number: + and 2 to 15 digits, no spaces, such as +4915112345678',
    });
  });
});

describe('classifyHttpFailure: no answer', () => {
  const failure = (phase: 'connect' | 'send' | 'await') => classifyHttpFailure({ kind: 'failure', phase, code: 'ECONNRESET', message: 'socket hang up' });

  it('before connecting or while sending: provider_down, attempted', () => {
    expect(failure('connect')).to.deep.equal({ kind: 'provider_down', error: 'could not connect to Twilio (ECONNRESET: socket hang up)', response: null, attempted: true, configurationFault: false });
    expect(failure('send')).to.include({ kind: 'provider_down', error: 'the connection to Twilio failed before the request was sent (ECONNRESET: socket hang up)' });
  });

  it('once the whole request was written: ambiguous', () => {
    expect(failure('await')).to.deep.equal({ kind: 'ambiguous', error: 'no answer after the request was sent, Twilio may have queued the message (ECONNRESET: socket hang up)', response: null });
  });
});
