import { expect } from 'chai';
import type { ChannelSender, OutgoingMessage } from '../../../src/application/ports/channel-sender.js';
import type { DeliveryQueue } from '../../../src/application/ports/delivery-queue.js';
import type { SendOutcome } from '../../../src/domain/send-outcome.js';
import type { TwilioSmsSender } from '../../../src/adapters/sms/twilio-sms-sender.js';
import type { WebhookSender } from '../../../src/adapters/webhook/webhook-sender.js';
import { AppContainer } from '../../../src/entrypoints/bootstrap.js';
import { testConfig } from '../../support/test-container.js';

const DOWN: SendOutcome = { kind: 'provider_down', error: '503', response: '503', attempted: true, configurationFault: false };
const ACCEPTED: SendOutcome = { kind: 'accepted', response: '200', providerMessageId: null };

/** Answers from a script, then accepted. */
const scripted = (channel: ChannelSender['channel'], answers: SendOutcome[]): ChannelSender => ({ channel, send: async () => answers.shift() ?? ACCEPTED });

class ReleasingQueue implements DeliveryQueue {
  readonly released: Array<[string, string | undefined]> = [];
  async claimDue() {
    return [];
  }
  async renewLeases() {
    return 0;
  }
  async releaseDeferred(channel: string, recipientPrefix?: string) {
    this.released.push([channel, recipientPrefix]);
    return 1;
  }
}

function message(channel: 'sms' | 'webhook', recipient: string): OutgoingMessage {
  const content = channel === 'sms' ? { channel, body: 'hi' } : { channel, payload: '{}' };
  return { notificationId: 'n-1', notificationType: 'message', userId: null, recipient, correlationId: null, content } as OutgoingMessage;
}

describe('circuits releasing what they held back', () => {
  const env = { SMS_CIRCUIT_FAILURES: '1', SMS_CIRCUIT_HALF_OPEN_MS: '100', WEBHOOK_CIRCUIT_FAILURES: '1', WEBHOOK_CIRCUIT_HALF_OPEN_MS: '100' };
  const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("makes a channel's deferred notifications due when its circuit closes after a probe, not before", async () => {
    const queue = new ReleasingQueue();
    const app = new AppContainer(testConfig(env), { deliveryQueue: queue, smsTransport: scripted('sms', [DOWN]) as unknown as TwilioSmsSender });
    const sender = app.get('smsSender');
    await sender?.send(message('sms', '+15551234567'));
    expect(sender?.circuit).to.equal('open');
    expect(queue.released).to.deep.equal([]);
    await settle(120);
    await sender?.send(message('sms', '+15551234567'));
    expect(queue.released).to.deep.equal([['sms', undefined]]);
  });

  it("makes an endpoint's deferred webhooks due when its circuit closes, and only that endpoint's", async () => {
    const queue = new ReleasingQueue();
    const app = new AppContainer(testConfig(env), { deliveryQueue: queue, webhookTransport: scripted('webhook', [DOWN]) as unknown as WebhookSender });
    const sender = app.get('webhookSender');
    await sender.send(message('webhook', 'https://Hooks.Example.com:443/a'));
    expect(queue.released).to.deep.equal([]);
    await settle(120);
    await sender.send(message('webhook', 'https://hooks.example.com/b'));
    expect(queue.released, 'another path on the same host has a breaker of its own, never opened').to.deep.equal([]);
    await sender.send(message('webhook', 'https://hooks.example.com/a?attempt=2'));
    expect(queue.released).to.deep.equal([['webhook', 'https://hooks.example.com/a']]);
  });
});
