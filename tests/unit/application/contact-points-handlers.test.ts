import { expect } from 'chai';
import { disableGoneWebhook, removeDeadPushTokens } from '../../../src/application/contact-points/provider-feedback.js';
import type { Command } from '../../../src/domain/commands.js';
import { type InvalidValueError, NoWebhookEndpointError, PreferencesNotFoundError } from '../../../src/domain/errors.js';
import { FakeUnitOfWork } from '../../support/fakes.js';
import { FakeWebhookUrlPolicy, SequentialSecrets } from '../../support/contact-point-fakes.js';
import { fakeContainer, testStamping } from '../../support/test-container.js';
import { T0, at } from '../mothers.js';
import { rejection } from '../rejection.js';

const HOOK = 'https://hooks.example.com/notify';
const [FIRST_SECRET, SECOND_SECRET] = ((s) => [s.webhookSecret(), s.webhookSecret()])(new SequentialSecrets());

function app() {
  const policy = new FakeWebhookUrlPolicy(['internal.example']);
  return { ...fakeContainer({ webhookUrlPolicy: policy }), policy };
}

const create = (fields: Partial<Extract<Command, { type: 'CreatePreferences' }>> = {}) =>
  ({ type: 'CreatePreferences', userId: 'u-1', notificationEmail: 'ada@example.com', preferences: {}, ...fields }) as const;
const replace = (fields: Partial<Extract<Command, { type: 'ReplacePreferences' }>> = {}) =>
  ({ type: 'ReplacePreferences', userId: 'u-1', notificationEmail: 'ada@example.com', preferences: {}, ...fields }) as const;

describe('preferences with contact points', () => {
  it('creates them with a phone number, push tokens and a webhook whose secret is answered once and stored', async () => {
    const { bus, store } = app();
    const view = await bus.handle(create({ phoneNumber: '+15551234567', pushTokens: ['tok-a', 'tok-a', 'tok-b'], webhookUrl: HOOK }));
    expect(view).to.deep.include({ phoneNumber: '+15551234567', pushTokens: ['tok-a', 'tok-b'], webhookUrl: HOOK, webhookDisabledAt: null });
    expect(view.webhookSecret).to.equal(FIRST_SECRET).and.match(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(store.preferences.get('u-1')?.webhook?.secret).to.equal(FIRST_SECRET);
    const published = [...store.outbox.values()];
    expect(published[0]?.body).to.deep.include({ phone_number: '+15551234567', push_tokens: ['tok-a', 'tok-b'], webhook_url: HOOK });
    expect(JSON.stringify(published)).to.not.include('whsec_');
  });

  it('answers the secret only to the write that set the URL, never to a read', async () => {
    const { bus, app: container } = app();
    await bus.handle(create({ webhookUrl: HOOK }));
    expect((await bus.handle(replace({ webhookUrl: HOOK }))).preferences.webhookSecret).to.equal(null);
    expect((await bus.handle(replace({ webhookUrl: 'https://moved.example.com/' }))).preferences.webhookSecret).to.equal(null);
    expect(JSON.stringify(await container.get('preferencesQuery').ofUser('u-1'))).to.not.include('whsec_');
  });

  it('keeps on PUT the contact points the body leaves out, and clears those sent as null', async () => {
    const { bus, store } = app();
    await bus.handle(create({ phoneNumber: '+15551234567', pushTokens: ['tok-a'], webhookUrl: HOOK }));
    const kept = await bus.handle(replace({ preferences: { welcome: false } }));
    expect(kept.preferences).to.deep.include({ phoneNumber: '+15551234567', pushTokens: ['tok-a'], webhookUrl: HOOK });
    const cleared = await bus.handle(replace({ phoneNumber: null, pushTokens: null, webhookUrl: null }));
    expect(cleared.preferences).to.deep.include({ phoneNumber: null, pushTokens: [], webhookUrl: null });
    expect(store.preferences.get('u-1')?.webhook).to.equal(null);
  });

  it('refuses a webhook URL the policy refuses, after every syntax check, and stores nothing', async () => {
    const { bus, store, policy } = app();
    const refused = (await rejection(bus.handle(create({ webhookUrl: 'https://internal.example/hook' })))) as InvalidValueError;
    expect([refused.field, refused.reason]).to.deep.equal(['webhook_url', 'resolves to a private network address']);
    const badPhone = (await rejection(bus.handle(create({ phoneNumber: '555', webhookUrl: HOOK })))) as InvalidValueError;
    expect(badPhone.field).to.equal('phone_number');
    expect(policy.asked).to.deep.equal(['https://internal.example/hook']);
    expect(store.preferences.size).to.equal(0);
  });

  it('refuses more than ten push tokens naming push_tokens', async () => {
    const { bus } = app();
    const error = (await rejection(bus.handle(create({ pushTokens: Array.from({ length: 11 }, (_, i) => `t${i}`) })))) as InvalidValueError;
    expect(error.message).to.equal('push_tokens: must hold at most 10 tokens, got 11');
  });
});

describe('RotateWebhookSecret', () => {
  it('answers a new secret once and keeps the previous one signing for 24 hours', async () => {
    const { bus, store, clock } = app();
    await bus.handle(create({ webhookUrl: HOOK }));
    clock.advance(60_000);
    const rotated = await bus.handle({ type: 'RotateWebhookSecret', userId: 'u-1' });
    expect(rotated).to.deep.equal({ userId: 'u-1', webhookUrl: HOOK, webhookSecret: SECOND_SECRET, previousExpiresAt: at(60 + 24 * 3600) });
    expect(store.preferences.get('u-1')?.webhook).to.deep.include({ secret: SECOND_SECRET, previousSecret: FIRST_SECRET });
    expect([...store.outbox.values()].map((row) => row.className)).to.deep.equal(['NotificationPreferencesCreated']);
  });

  it('refuses a user without preferences (404) or without a webhook_url (409)', async () => {
    const { bus } = app();
    expect(await rejection(bus.handle({ type: 'RotateWebhookSecret', userId: 'nobody' }))).to.be.instanceOf(PreferencesNotFoundError);
    await bus.handle(create());
    expect(await rejection(bus.handle({ type: 'RotateWebhookSecret', userId: 'u-1' }))).to.be.instanceOf(NoWebhookEndpointError);
  });
});

describe('provider feedback on contact points', () => {
  it('removes dead push tokens and disables a gone webhook in the caller unit of work, publishing nothing', async () => {
    const { bus, store } = app();
    await bus.handle(create({ pushTokens: ['tok-a', 'tok-b'], webhookUrl: HOOK }));
    const outboxBefore = store.outbox.size;
    await new FakeUnitOfWork(store, testStamping()).execute(async (uow) => {
      await removeDeadPushTokens(uow, 'u-1', ['tok-a']);
      await disableGoneWebhook(uow, 'u-1', 'https://stale.example.com/', T0);
      await disableGoneWebhook(uow, 'u-1', HOOK, at(5));
      await removeDeadPushTokens(uow, 'nobody', ['tok-a']);
    });
    expect(store.preferences.get('u-1')).to.deep.include({ pushTokens: ['tok-b'] });
    expect(store.preferences.get('u-1')?.webhook?.disabledAt).to.deep.equal(at(5));
    expect(store.outbox.size).to.equal(outboxBefore);
  });
});

describe('suppressions', () => {
  const add = (fields: Partial<Extract<Command, { type: 'AddSuppression' }>> = {}) =>
    ({ type: 'AddSuppression', channel: 'sms', address: '+15551234567', reason: 'opted_out', source: 'sms_stop', ...fields }) as const;

  it('adds one per channel and address: adding it again keeps the first', async () => {
    const { bus, store, clock } = app();
    const first = await bus.handle(add());
    clock.advance(1000);
    const again = await bus.handle(add({ reason: 'manual', source: 'admin' }));
    expect(first.created).to.equal(true);
    expect(again).to.deep.equal({ created: false, suppression: first.suppression });
    expect(first.suppression).to.deep.include({ channel: 'sms', address: '+15551234567', reason: 'opted_out', source: 'sms_stop', createdAt: T0 });
    expect(store.suppressions.size).to.equal(1);
    expect((await bus.handle(add({ channel: 'email', address: 'Ada@Example.com' }))).suppression.address).to.equal('Ada@example.com');
  });

  it('lifts one by id, and refuses an unknown id', async () => {
    const { bus, store } = app();
    const { suppression } = await bus.handle(add());
    await bus.handle({ type: 'LiftSuppression', suppressionId: suppression.id });
    expect(store.suppressions.size).to.equal(0);
    const error = await rejection(bus.handle({ type: 'LiftSuppression', suppressionId: suppression.id }));
    expect(error.message).to.equal(`suppression ${suppression.id} does not exist`);
  });

  it('lists them newest first, by channel and by address in the channel form, a page at a time', async () => {
    const { bus, app: container, clock } = app();
    for (const address of ['+15550000001', '+15550000002', '+15550000003']) {
      await bus.handle(add({ address }));
      clock.advance(1000);
    }
    await bus.handle(add({ channel: 'email', address: 'ada@EXAMPLE.com' }));
    const query = container.get('suppressionsQuery');
    const page = await query.list({ channel: 'sms', address: null }, 1, 2);
    expect([page.total, page.suppressions.map((s) => s.address)]).to.deep.equal([3, ['+15550000003', '+15550000002']]);
    expect((await query.list({ channel: 'email', address: 'ada@Example.com' })).total).to.equal(1);
    expect((await query.list({ channel: null, address: null }, 2, 3)).suppressions).to.have.length(1);
    for (const [filter, page, size, field] of [
      [{ channel: 'fax', address: null }, 1, 20, 'channel'],
      [{ channel: 'sms', address: 'nope' }, 1, 20, 'address'],
      [{ channel: null, address: null }, 0, 20, 'page'],
      [{ channel: null, address: null }, 1, 101, 'size'],
    ] as const) {
      expect(((await rejection(query.list(filter, page, size))) as InvalidValueError).field).to.equal(field);
    }
  });
});
