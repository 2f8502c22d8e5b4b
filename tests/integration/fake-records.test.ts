import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { newWebhookSecret } from '../../src/adapters/webhook/webhook-settings.js';
import type { AcceptedSms } from '../support/twilio-fake.js';
import { FAKE_ACCOUNT, TwilioFake } from '../support/twilio-fake.js';
import type { ReceivedWebhook } from '../support/webhook-receiver.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

/** The benchmark sends thousands of messages through the fakes: what they keep stays bounded, and a listener hears each. */
describe('the provider fakes over a long run', () => {
  it('Twilio keeps only the newest requests and messages when asked, and its listener hears every accepted one', async () => {
    const twilio = await TwilioFake.start();
    const heard: AcceptedSms[] = [];
    twilio.records.retainAtMost(2);
    twilio.records.onAccepted((sms) => heard.push(sms));
    try {
      const authorization = `Basic ${Buffer.from(`${FAKE_ACCOUNT.sid}:${FAKE_ACCOUNT.token}`).toString('base64')}`;
      for (const to of ['+14155550101', '+14155550102', '+14155550103']) {
        const body = new URLSearchParams({ To: to, From: '+15005550006', Body: 'hello' });
        const response = await fetch(`${twilio.baseUrl}/2010-04-01/Accounts/${FAKE_ACCOUNT.sid}/Messages.json`, { method: 'POST', headers: { authorization }, body });
        expect(response.status).to.equal(201);
      }
      expect(heard.map((sms) => sms.to)).to.deep.equal(['+14155550101', '+14155550102', '+14155550103']);
      expect(twilio.accepted.map((sms) => sms.to)).to.deep.equal(['+14155550102', '+14155550103']);
      expect(twilio.requests).to.have.length(2);
    } finally {
      await twilio.close();
    }
  });

  it('the webhook receiver tells its listener the path of each request it answered 2xx, not of refused ones', async () => {
    const secret = newWebhookSecret();
    const receiver = await WebhookReceiver.start([secret]);
    const heard: ReceivedWebhook[] = [];
    receiver.records.onAccepted((webhook) => heard.push(webhook));
    try {
      const post = async (path: string, signWith: string) => {
        const payload = '{"hello":"world"}';
        const id = `msg_${path.length}`;
        const at = new Date();
        const headers = { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1_000)), 'webhook-signature': new Webhook(signWith).sign(id, at, payload) };
        const response = await fetch(receiver.url(path), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
        return response.status;
      };
      expect(await post('/hooks/a-1?x=1', secret)).to.equal(200);
      expect(await post('/hooks/a-2', newWebhookSecret())).to.equal(401);
      expect(heard.map((webhook) => webhook.path)).to.deep.equal(['/hooks/a-1?x=1']);
    } finally {
      await receiver.close();
    }
  });
});
