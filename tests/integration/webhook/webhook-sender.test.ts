import { expect } from 'chai';
import { newWebhookSecret } from '../../../src/adapters/webhook/webhook-settings.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';
import { aWebhook, flagsOf, SECRET, senderWorld } from './webhook-fixtures.js';

const PREVIOUS = newWebhookSecret();

describe('WebhookSender: what a receiver that verifies signatures gets and answers (127.0.0.1)', () => {
  const world = senderWorld();

  it('delivers: accepted, the signature verified by the reference library, the payload and headers as sent', async () => {
    const message = aWebhook(world.receiver().url());
    const outcome = await world.open().send(message);

    expect(outcome).to.deep.equal({ kind: 'accepted', response: 'HTTP 200', providerMessageId: null });
    const [received] = world.receiver().requests;
    expect(received).to.deep.include({ id: message.notificationId, verified: true, status: 200 });
    expect(received?.body).to.deep.equal(JSON.parse(message.content.channel === 'webhook' ? message.content.payload : ''));
    expect(received?.headers).to.include({ 'content-type': 'application/json', 'user-agent': 'notification-service (webhooks)' });
    expect(Number(received?.headers['webhook-timestamp'])).to.be.closeTo(Date.now() / 1000, 5);
    const listed = (await (await fetch(`http://127.0.0.1:${world.receiver().port}/_fake/received`)).json()) as Array<{ id: string }>;
    expect(listed.map((r) => r.id)).to.deep.equal([message.notificationId]);
  });

  it('during a rotation, signs with both secrets: a receiver knowing only the previous one and one knowing only the new one both verify', async () => {
    const knowsOld = await WebhookReceiver.start([PREVIOUS]);
    const knowsNew = await WebhookReceiver.start([SECRET]);
    try {
      const sender = world.open({ secrets: [SECRET, PREVIOUS] });
      const outcomes = [await sender.send(aWebhook(knowsOld.url())), await sender.send(aWebhook(knowsNew.url()))];
      expect(outcomes.map((o) => o.kind)).to.deep.equal(['accepted', 'accepted']);
      expect([...knowsOld.requests, ...knowsNew.requests].map((r) => r.verified)).to.deep.equal([true, true]);
      expect(knowsOld.requests[0]?.headers['webhook-signature']?.split(' ')).to.have.length(2);
    } finally {
      await Promise.all([knowsOld.close(), knowsNew.close()]);
    }
  });

  it('a receiver with another secret answers 401: permanent, and it recorded the request unverified', async () => {
    const outcome = await world.open({ secrets: [newWebhookSecret()] }).send(aWebhook(world.receiver().url()));
    expect(outcome).to.deep.include({ kind: 'permanent', error: 'the endpoint refused the request with HTTP 401' });
    expect(world.receiver().requests.map((r) => r.verified)).to.deep.equal([false]);
  });

  it('410: permanent, and the URL rejected as gone', async () => {
    const message = aWebhook(world.receiver().url());
    world.receiver().respondWith([{ status: 410, body: '{"error":"gone"}' }]);
    const outcome = await world.open().send(message);
    expect(outcome).to.deep.equal({
      kind: 'permanent',
      error: 'the endpoint answered 410 Gone: it is disabled until its URL is set again',
      response: 'HTTP 410 {"error":"gone"}',
      rejected: [{ address: message.recipient, reason: 'gone' }],
    });
  });

  it('400: permanent, with the start of the body in the response', async () => {
    world.receiver().respondWith([{ status: 400, body: '{"error":"unknown event type"}' }]);
    const outcome = await world.open().send(aWebhook(world.receiver().url()));
    expect(outcome).to.deep.include({ kind: 'permanent', response: 'HTTP 400 {"error":"unknown event type"}' });
  });

  it('a 5 MB error body: only its start is read, and the next send goes through', async () => {
    world.receiver().respondWith([{ status: 500, body: `{"trace":"${'x'.repeat(5_000_000)}"}` }]);
    const sender = world.open();
    const outcome = await sender.send(aWebhook(world.receiver().url()));
    expect(outcome.response).to.have.length.at.most('HTTP 500 '.length + 200);
    expect((await sender.send(aWebhook(world.receiver().url()))).kind).to.equal('accepted');
  });

  it('500, 429 (with Retry-After) and 408: provider_down, attempted', async () => {
    world.receiver().respondWith([{ status: 500 }, { status: 429, headers: { 'retry-after': '7' } }, { status: 408 }]);
    const sender = world.open();
    const outcomes = [await sender.send(aWebhook(world.receiver().url())), await sender.send(aWebhook(world.receiver().url())), await sender.send(aWebhook(world.receiver().url()))];
    expect(outcomes.map(flagsOf)).to.deep.equal([1, 2, 3].map(() => ({ kind: 'provider_down', attempted: true })));
    expect(outcomes[1]).to.have.property('retryAfterMs', 7_000);
  });

  it('301: permanent, and the redirect is not followed', async () => {
    const elsewhere = await WebhookReceiver.start([SECRET]);
    try {
      world.receiver().respondWith([{ status: 301, headers: { location: elsewhere.url() } }]);
      const outcome = await world.open().send(aWebhook(world.receiver().url()));
      expect(outcome).to.deep.include({ kind: 'permanent', error: `redirects are not followed (HTTP 301 to ${elsewhere.url()})` });
      expect(elsewhere.requests).to.have.length(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('a receiver slower than the timeout after the request was sent: ambiguous, and it did receive it', async () => {
    world.receiver().respondWith([{ delayMs: 1_500 }]);
    const started = performance.now();
    const outcome = await world.open({ timeoutMs: 400 }).send(aWebhook(world.receiver().url()));
    expect(flagsOf(outcome)).to.deep.equal({ kind: 'ambiguous' });
    expect(outcome).to.have.property('error').that.matches(/^no answer within 400 ms after the request was sent/);
    expect(performance.now() - started).to.be.below(1_400);
    expect(world.receiver().requests).to.have.length(1);
  });

  it('a drop after the whole request was read: ambiguous; the resend has the same webhook-id and is recorded again', async () => {
    const message = aWebhook(world.receiver().url());
    world.receiver().respondWith([{ dropAfterReceive: true }]);
    const sender = world.open();
    const first = await sender.send(message);
    const resend = await sender.send(message);
    expect([first, resend].map(flagsOf)).to.deep.equal([{ kind: 'ambiguous' }, { kind: 'accepted' }]);
    expect(world.receiver().requests.map((r) => r.id)).to.deep.equal([message.notificationId, message.notificationId]);
  });

  it('an empty list of secrets: permanent, nothing sent', async () => {
    const outcome = await world.open({ secrets: [] }).send(aWebhook(world.receiver().url()));
    expect(outcome).to.deep.equal({ kind: 'permanent', error: 'no signing secret for this webhook endpoint', response: null });
    expect(world.receiver().requests).to.have.length(0);
  });

  it('a closed sender sends nothing: provider_down, not attempted', async () => {
    const sender = world.open();
    await sender.close();
    expect(flagsOf(await sender.send(aWebhook(world.receiver().url())))).to.deep.equal({ kind: 'provider_down', attempted: false });
  });
});
