import { expect } from 'chai';
import type { CommandOf, SendFields } from '../../../src/domain/commands.js';
import type { InvalidValueError } from '../../../src/domain/errors.js';
import type { Channel } from '../../../src/domain/notification-type.js';
import { Suppression } from '../../../src/domain/suppression.js';
import { applyRejectedAddresses } from '../../../src/application/handlers/rejected-addresses.js';
import { FakeUnitOfWork, SequentialIds } from '../../support/fakes.js';
import { fakeContainer, testStamping } from '../../support/test-container.js';
import { T0 } from '../mothers.js';
import { rejection } from '../rejection.js';

const PHONE = '+15551234567';
const HOOK = 'https://hooks.example.com/notify';

function send(fields: Partial<SendFields> = {}): CommandOf<'SendNotification'> {
  return {
    type: 'SendNotification',
    notificationType: 'message',
    channel: 'sms',
    recipient: PHONE,
    userId: null,
    subject: 'Hello',
    content: 'Your code is 1234',
    templateVars: {},
    variablesField: 'variables',
    priority: null,
    locale: null,
    expiresAt: null,
    correlationId: 'corr-1',
    idempotency: null,
    ...fields,
  };
}

async function withProfile(channels?: ReadonlySet<Channel>) {
  const world = fakeContainer(channels ? { configuredChannels: channels } : {});
  await world.bus.handle({ type: 'CreatePreferences', userId: 'u-1', notificationEmail: 'ada@example.com', preferences: {}, phoneNumber: PHONE, pushTokens: ['tok-a', 'tok-b'], webhookUrl: HOOK });
  return world;
}

const stored = (world: ReturnType<typeof fakeContainer>, id: string) => world.store.notifications.get(id);

describe('requests on every channel', () => {
  it('records each channel with the address the send named, checked as that channel takes it', async () => {
    const world = fakeContainer();
    const cases: Array<[Channel, string, string]> = [
      ['sms', PHONE, PHONE],
      ['push', 'device-token-1', 'device-token-1'],
      ['webhook', HOOK, HOOK],
      ['in_app', 'u-7', 'u-7'],
      ['email', 'Ada@Example.COM', 'Ada@example.com'],
    ];
    for (const [channel, recipient, recorded] of cases) {
      const { notificationId, status } = await world.bus.handle(send({ channel, recipient }));
      expect([channel, status, stored(world, notificationId)?.recipient, stored(world, notificationId)?.channel]).to.deep.equal([channel, 'pending', recorded, channel]);
    }
  });

  it('gives a webhook three days at most, and the other channels no expiry of their own', async () => {
    const world = fakeContainer();
    const webhook = await world.bus.handle(send({ channel: 'webhook', recipient: HOOK }));
    const sms = await world.bus.handle(send());
    expect(stored(world, webhook.notificationId)?.expiresAt).to.deep.equal(new Date(T0.getTime() + 3 * 86_400_000));
    expect(stored(world, sms.notificationId)?.expiresAt).to.equal(null);
  });

  it('refuses an address the channel cannot take, naming the recipient', async () => {
    const world = fakeContainer();
    for (const [channel, recipient] of [['sms', '0151 1234'], ['push', 'two words'], ['webhook', 'ftp://x.example'], ['email', 'nobody']] as const) {
      const error = (await rejection(world.bus.handle(send({ channel, recipient })))) as InvalidValueError;
      expect([channel, error.field]).to.deep.equal([channel, 'recipient']);
    }
  });

  it("takes the profile's contact point for a send that names only the user: every device token for push", async () => {
    const world = await withProfile();
    const to = async (channel: Channel) => stored(world, (await world.bus.handle(send({ channel, recipient: null, userId: 'u-1' }))).notificationId)?.recipient;
    expect([await to('sms'), await to('push'), await to('webhook'), await to('in_app'), await to('email')]).to.deep.equal([PHONE, 'tok-a tok-b', HOOK, 'u-1', 'ada@example.com']);
  });

  it('sends in-app to a user without a profile: the user id is the address', async () => {
    const world = fakeContainer();
    const { notificationId, status } = await world.bus.handle(send({ channel: 'in_app', recipient: null, userId: 'u-no-profile' }));
    expect([status, stored(world, notificationId)?.recipient]).to.deep.equal(['pending', 'u-no-profile']);
  });

  it('records a profile without the contact point as suppressed, no_contact_point', async () => {
    const world = fakeContainer();
    await world.bus.handle({ type: 'CreatePreferences', userId: 'u-2', notificationEmail: 'bo@example.com', preferences: {} });
    const { notificationId, status } = await world.bus.handle(send({ recipient: null, userId: 'u-2' }));
    expect([status, stored(world, notificationId)?.reason]).to.deep.equal(['suppressed', 'no_contact_point']);
  });

  it('records a channel without a provider as suppressed, channel_not_configured, and sends the others', async () => {
    const world = await withProfile(new Set<Channel>(['email', 'in_app']));
    const sms = await world.bus.handle(send({ recipient: null, userId: 'u-1' }));
    const inApp = await world.bus.handle(send({ channel: 'in_app', recipient: null, userId: 'u-1' }));
    expect([sms.status, stored(world, sms.notificationId)?.reason, inApp.status]).to.deep.equal(['suppressed', 'channel_not_configured', 'pending']);
  });

  it('records an address in the suppressions as suppressed, recipient_suppressed; a push keeps its other tokens', async () => {
    const world = await withProfile();
    await world.bus.handle({ type: 'AddSuppression', channel: 'sms', address: PHONE, reason: 'opted_out', source: 'test' });
    await world.bus.handle({ type: 'AddSuppression', channel: 'push', address: 'tok-a', reason: 'manual', source: 'test' });
    const sms = await world.bus.handle(send({ recipient: null, userId: 'u-1' }));
    const push = await world.bus.handle(send({ channel: 'push', recipient: null, userId: 'u-1' }));
    const onlyDead = await world.bus.handle(send({ channel: 'push', recipient: 'tok-a' }));
    expect([sms.status, stored(world, sms.notificationId)?.reason]).to.deep.equal(['suppressed', 'recipient_suppressed']);
    expect([push.status, stored(world, push.notificationId)?.recipient]).to.deep.equal(['pending', 'tok-b']);
    expect([onlyDead.status, stored(world, onlyDead.notificationId)?.reason]).to.deep.equal(['suppressed', 'recipient_suppressed']);
  });

  it('refuses a template without a variant for the channel, and an own SMS text over 1,600 characters', async () => {
    const world = fakeContainer();
    const noVariant = (await rejection(world.bus.handle(send({ notificationType: 'welcome', subject: null, content: null, templateVars: { email: 'a@example.com' } })))) as InvalidValueError;
    expect(noVariant.message).to.equal('channel: template welcome has no sms variant (it has email)');
    const long = (await rejection(world.bus.handle(send({ content: 'x'.repeat(1_601) })))) as InvalidValueError;
    expect(long.field).to.equal('content');
    expect(world.store.notifications.size).to.equal(0);
  });
});

describe('delivery receipts and dead addresses', () => {
  it('records a receipt on the sent notification the provider id names, raising no outcome event', async () => {
    const world = fakeContainer();
    const { notificationId } = await world.bus.handle(send());
    const n = stored(world, notificationId);
    world.store.notifications.set(notificationId, { ...n!, status: 'sent', providerMessageId: 'SM0123' });
    const outbox = world.store.outbox.size;
    const result = await world.bus.handle({ type: 'RecordDeliveryReceipt', channel: 'sms', providerMessageId: 'SM0123', status: 'undelivered', errorCode: '30003' });
    expect(result).to.deep.equal({ outcome: 'recorded', notificationId });
    expect(stored(world, notificationId)).to.deep.include({ status: 'sent', receipt: { status: 'undelivered', errorCode: '30003', at: T0 } });
    expect(world.store.outbox.size).to.equal(outbox);
    expect(await world.bus.handle({ type: 'RecordDeliveryReceipt', channel: 'push', providerMessageId: 'SM0123', status: 'delivered', errorCode: null })).to.deep.equal({ outcome: 'unknown', notificationId: null });
  });

  it('adds a STOP to the suppressions, drops dead tokens from the profile and disables a gone webhook', async () => {
    const world = await withProfile();
    const handler = applyRejectedAddresses(new SequentialIds());
    const react = async (channel: Channel, address: string, reason: 'opted_out' | 'unregistered' | 'gone') =>
      new FakeUnitOfWork(world.store, testStamping()).execute((uow) =>
        handler.handle({ type: 'AddressesRejected', notificationId: 'n-1', userId: 'u-1', channel, addresses: [{ address, reason }], at: T0 }, uow),
      );
    await react('sms', PHONE, 'opted_out');
    await react('push', 'tok-a', 'unregistered');
    await react('webhook', HOOK, 'gone');
    const uow = new FakeUnitOfWork(world.store, testStamping());
    expect(await uow.execute((u) => u.suppressions.isSuppressed('sms', Suppression.address('sms', PHONE)))).to.deep.include({ result: true });
    expect(world.store.preferences.get('u-1')).to.deep.include({ pushTokens: ['tok-b'] });
    expect(world.store.preferences.get('u-1')?.webhook?.disabledAt).to.deep.equal(T0);
  });
});
