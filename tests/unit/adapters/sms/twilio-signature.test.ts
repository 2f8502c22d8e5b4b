import { expect } from 'chai';
import { twilioSignature, verifyTwilioSignature } from '../../../../src/adapters/sms/twilio-signature.js';

// The example of Twilio's security documentation ("Validating requests"), with its published signature.
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675310', Digits: '1234', From: '+14158675310', To: '+18005551212' };
const SIGNATURE = 'GvWf1cFY/Q7PnoempGyD5oXAezc=';

describe('X-Twilio-Signature', () => {
  it("computes the signature of Twilio's documented example", () => {
    expect(twilioSignature(TOKEN, URL, PARAMS)).to.equal(SIGNATURE);
  });

  it('sorts the parameters by name, whatever order they came in', () => {
    const shuffled = { To: PARAMS.To, Digits: PARAMS.Digits, CallSid: PARAMS.CallSid, From: PARAMS.From, Caller: PARAMS.Caller };
    expect(twilioSignature(TOKEN, URL, shuffled)).to.equal(SIGNATURE);
  });

  // Computed independently: `printf '<url>ErrorCode30003MessageSidSMa…aMessageStatusundelivered' |
  // openssl dgst -sha1 -hmac token -binary | base64`, so a change in how fields are joined shows here.
  it('signs a status callback: a fixed value for fixed fields, and any change of field, URL or token changes it', () => {
    const url = 'https://notifications.example.test/providers/sms/status';
    const fields = { MessageSid: `SM${'a'.repeat(32)}`, MessageStatus: 'undelivered', ErrorCode: '30003' };
    expect(twilioSignature('token', url, fields)).to.equal('jC5c7F4gJGYbCAkAlPq7eCgCm70=');
    expect(twilioSignature('token', url, { ...fields, MessageStatus: 'delivered' })).not.to.equal('jC5c7F4gJGYbCAkAlPq7eCgCm70=');
    expect(twilioSignature('token', `${url}?x=1`, fields)).not.to.equal('jC5c7F4gJGYbCAkAlPq7eCgCm70=');
    expect(twilioSignature('other', url, fields)).not.to.equal('jC5c7F4gJGYbCAkAlPq7eCgCm70=');
  });

  it("takes a repeated parameter's distinct values in sorted order", () => {
    const once = twilioSignature(TOKEN, URL, { A: ['2', '1', '2'] });
    expect(once).to.equal(twilioSignature(TOKEN, URL, { A: ['1', '2'] }));
    expect(once).to.equal(twilioSignature(TOKEN, `${URL}A1A2`, {}));
  });

  it('verifies the right signature, and refuses a wrong, missing or empty one', () => {
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, SIGNATURE)).to.equal(true);
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, ` ${SIGNATURE} `)).to.equal(true);
    expect(verifyTwilioSignature(TOKEN, URL, { ...PARAMS, Digits: '9999' }, SIGNATURE)).to.equal(false);
    expect(verifyTwilioSignature('54321', URL, PARAMS, SIGNATURE)).to.equal(false);
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, `${SIGNATURE.slice(0, -2)}x=`)).to.equal(false);
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, 'short')).to.equal(false);
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, undefined)).to.equal(false);
    expect(verifyTwilioSignature(TOKEN, URL, PARAMS, '')).to.equal(false);
  });

  it('never verifies anything with an empty auth token', () => {
    expect(verifyTwilioSignature('', URL, PARAMS, twilioSignature('', URL, PARAMS))).to.equal(false);
  });
});
