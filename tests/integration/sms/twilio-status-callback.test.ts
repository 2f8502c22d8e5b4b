import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyTwilioSignature } from '../../../src/adapters/sms/twilio-signature.js';
import { TwilioFake } from '../../support/twilio-fake.js';
import { anSms, settingsFor } from './sms-fixtures.js';
import { TwilioSmsSender } from '../../../src/adapters/sms/twilio-sms-sender.js';

const PUBLIC_URL = 'https://notify.example.com/providers/sms/status';

interface Received {
  readonly fields: Record<string, string>;
  readonly valid: boolean;
}

/** A stand-in for the service's callback route: answers 204 to a valid signature, 403 otherwise. */
async function callbackReceiver(token: string): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      const fields = Object.fromEntries(new URLSearchParams(raw));
      const valid = verifyTwilioSignature(token, PUBLIC_URL, fields, req.headers['x-twilio-signature'] as string | undefined);
      received.push({ fields, valid });
      res.writeHead(valid ? 204 : 403).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/providers/sms/status`, received };
}

describe('the Twilio fake: signed status callbacks, as Twilio sends them', () => {
  let fake: TwilioFake;
  let receiver: Awaited<ReturnType<typeof callbackReceiver>>;

  before(async () => {
    fake = await TwilioFake.start();
    receiver = await callbackReceiver(fake.account.token);
  });
  after(async () => {
    await fake.close();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  it("posts an accepted message's delivery receipt with a signature the route can verify", async () => {
    const sender = new TwilioSmsSender(settingsFor(fake));
    const outcome = await sender.send(anSms());
    await sender.close();
    const sid = outcome.kind === 'accepted' ? (outcome.providerMessageId ?? '') : '';

    const answer = await fake.statusCallback(receiver.url, { messageSid: sid, status: 'undelivered', errorCode: 30003, signedUrl: PUBLIC_URL });

    expect(answer.status).to.equal(204);
    expect(receiver.received.at(-1)).to.deep.equal({
      valid: true,
      fields: {
        MessageSid: sid, SmsSid: sid, MessageStatus: 'undelivered', SmsStatus: 'undelivered', ApiVersion: '2010-04-01',
        AccountSid: fake.account.sid, To: '+4915112345678', From: '+15005550006', ErrorCode: '30003',
      },
    });
  });

  it('a callback signed over another URL, or with a forged signature, does not verify', async () => {
    const overOwnUrl = await fake.statusCallback(receiver.url, { messageSid: `SM${'b'.repeat(32)}`, status: 'delivered' });
    const forged = await fake.statusCallback(receiver.url, { messageSid: `SM${'b'.repeat(32)}`, status: 'delivered', signedUrl: PUBLIC_URL, signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
    expect([overOwnUrl.status, forged.status]).to.deep.equal([403, 403]);
  });
});
