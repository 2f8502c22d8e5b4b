import { randomBytes, randomUUID } from 'node:crypto';
import { FcmPushSender } from '../../../src/adapters/push/fcm-push-sender.js';
import type { PushSettings } from '../../../src/adapters/push/push-settings.js';
import { parseServiceAccount } from '../../../src/adapters/push/service-account.js';
import type { OutgoingMessage, RenderedFor } from '../../../src/application/ports/channel-sender.js';
import { FcmFake } from '../../support/fcm-fake.js';

/** A registration token shaped like FCM's: an instance id, a colon, "APA91b" and about 140 URL-safe characters. */
export function deviceToken(): string {
  return `${randomBytes(16).toString('base64url').slice(0, 22)}:APA91b${randomBytes(105).toString('base64url')}`;
}

export function aPush(tokens: readonly string[], content: Partial<RenderedFor<'push'>> = {}): OutgoingMessage {
  const id = randomUUID();
  return {
    notificationId: id,
    notificationType: 'order_status_update',
    userId: null,
    recipient: tokens.join(' '),
    correlationId: `corr-${id.slice(0, 8)}`,
    content: { channel: 'push', title: 'Your order shipped', body: 'Order 1042 is on its way 🚚', data: { order_id: '1042', status: 'shipped' }, ...content },
  };
}

/** Settings for a sender on the fake, with its service account unless another key file's text is given. */
export function settingsFor(fake: FcmFake, overrides: Partial<PushSettings> = {}, serviceAccountText = fake.serviceAccount.text): PushSettings {
  const parsed = parseServiceAccount(serviceAccountText);
  if ('problem' in parsed) throw new Error(`test service account: ${parsed.problem}`);
  return { serviceAccount: parsed.account, baseUrl: fake.baseUrl, timeoutMs: 2_000, maxConnections: 4, ...overrides };
}

/**
 * A fake for the whole suite and a sender per test (closed after it), registered as mocha hooks.
 * `open` builds the sender on the fake with the test's settings.
 */
export function senderOnFake() {
  const world = { fake: undefined as unknown as FcmFake, senders: [] as FcmPushSender[] };
  before(async () => {
    world.fake = await FcmFake.start({ projectId: 'acme-app' });
  });
  afterEach(async () => {
    await Promise.all(world.senders.map((sender) => sender.close()));
    world.senders = [];
    world.fake.reset();
  });
  after(async () => {
    await world.fake.close();
  });
  const open = (overrides: Partial<PushSettings> = {}, serviceAccountText?: string): FcmPushSender => {
    const sender = new FcmPushSender(settingsFor(world.fake, overrides, serviceAccountText));
    world.senders.push(sender);
    return sender;
  };
  return { open, fake: () => world.fake };
}
