import { createHash } from 'node:crypto';
import { expect } from 'chai';
import type { EventHandler, HandlerRegistry } from '../../../src/application/handler-types.js';
import { buildHandlerRegistry } from '../../../src/application/handlers/index.js';
import type { ApiKeyScope } from '../../../src/domain/api-key-scope.js';
import type { Command } from '../../../src/domain/commands.js';
import { ApiKeyNotFoundError, InvalidValueError, PreferencesAlreadyExistError } from '../../../src/domain/errors.js';
import type { DomainEvent, DomainEventType } from '../../../src/domain/events.js';
import { preferenceFlags } from '../../../src/domain/notification-preferences.js';
import { FakeClock } from '../../support/fakes.js';
import { fakeContainer, testHandlerDeps } from '../../support/test-container.js';
import { NO_CONTACT_POINTS, NO_DELIVERY_SETTINGS, NO_STORED_CONTACT_POINTS, T0 } from '../mothers.js';
import { rejection } from '../rejection.js';

const ALL_ON = preferenceFlags();

/** The real composition root with fakes, plus a spy on the preferences events. */
function app() {
  const clock = new FakeClock(T0);
  const events: DomainEvent[] = [];
  const spy = <K extends DomainEventType>(): Array<EventHandler<K>> => [
    { name: 'spy', handle: async (event) => void events.push(event) },
  ];
  const base = buildHandlerRegistry(testHandlerDeps(clock));
  const handlers: HandlerRegistry = {
    ...base,
    events: { ...base.events, NotificationPreferencesCreated: spy(), NotificationPreferencesUpdated: spy() },
  };
  return { ...fakeContainer({ clock, handlers }), clock, events };
}

function createPreferences(fields: Partial<Extract<Command, { type: 'CreatePreferences' }>> = {}) {
  return { type: 'CreatePreferences', userId: 'u-1', notificationEmail: 'ada@example.com', preferences: {}, ...fields } as const;
}

function replacePreferences(fields: Partial<Extract<Command, { type: 'ReplacePreferences' }>> = {}) {
  return { type: 'ReplacePreferences', userId: 'u-1', notificationEmail: 'ada@example.com', preferences: {}, ...fields } as const;
}

async function invalidField(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise);
  expect(error).to.be.instanceOf(InvalidValueError);
  return (error as InvalidValueError).field;
}

describe('the production handler registry', () => {
  it('has a handler for every command and an entry for every event', () => {
    const registry = buildHandlerRegistry(testHandlerDeps());
    expect(Object.keys(registry.commands).sort()).to.deep.equal([
      'AbandonClaim',
      'AddSuppression',
      'ChangeFeedItem',
      'CreateApiKey',
      'CreatePreferences',
      'CreateTemplate',
      'LiftSuppression',
      'MarkFeedSeen',
      'PublishEvent',
      'PublishTemplateVersion',
      'ReadAllFeedItems',
      'ReceiveEvent',
      'RecheckHeld',
      'RecordDeliveryReceipt',
      'RecordSendReports',
      'ReplacePreferences',
      'RetryFailedNotifications',
      'RetryNotification',
      'RevokeApiKey',
      'RotateWebhookSecret',
      'SaveTemplateDraft',
      'SeedTemplates',
      'SendBatch',
      'SendNotification',
    ]);
    expect(Object.keys(registry.events).sort()).to.deep.equal([
      'AddressesRejected',
      'FallbackDue',
      'FeedChanged',
      'NotificationFailed',
      'NotificationPreferencesCreated',
      'NotificationPreferencesUpdated',
      'NotificationRecorded',
      'NotificationSent',
    ]);
  });
});

describe('CreatePreferences', () => {
  it('stores preferences with every type on and raises NotificationPreferencesCreated', async () => {
    const { bus, store, events, monitor } = app();
    const view = await bus.handle(createPreferences({ notificationEmail: 'Ada@Example.com' }));
    const expected = { userId: 'u-1', notificationEmail: 'Ada@example.com', preferences: ALL_ON };
    expect(view).to.deep.equal({ ...expected, ...NO_CONTACT_POINTS, ...NO_DELIVERY_SETTINGS, webhookSecret: null, createdAt: T0, updatedAt: T0 });
    expect(store.preferences.get('u-1')).to.deep.equal({ ...expected, ...NO_STORED_CONTACT_POINTS, ...NO_DELIVERY_SETTINGS, version: 1, createdAt: T0, updatedAt: T0 });
    expect(events).to.deep.equal([{ type: 'NotificationPreferencesCreated', ...expected, ...NO_CONTACT_POINTS, ...NO_DELIVERY_SETTINGS, username: null }]);
    expect(monitor.handledTypes).to.deep.equal(['CreatePreferences', 'NotificationPreferencesCreated']);
  });

  it('keeps the writes of concurrent commands for different users', async () => {
    const { bus, store } = app();
    await Promise.all(['u-a', 'u-b', 'u-c'].map((userId) => bus.handle(createPreferences({ userId }))));
    expect([...store.preferences.keys()].sort()).to.deep.equal(['u-a', 'u-b', 'u-c']);
  });

  it('keeps the types the user opted out of', async () => {
    const { bus, store } = app();
    await bus.handle(createPreferences({ preferences: { welcome: false, order_status_update: false } }));
    expect(store.preferences.get('u-1')?.preferences).to.deep.equal({ ...ALL_ON, welcome: false, order_status_update: false });
  });

  it('refuses a second create for the same user and changes nothing', async () => {
    const { bus, store, events, clock } = app();
    await bus.handle(createPreferences());
    const before = store.preferences.get('u-1');
    clock.advance(1000);
    const error = await rejection(bus.handle(createPreferences({ notificationEmail: 'other@example.com', preferences: { welcome: false } })));
    expect(error).to.be.instanceOf(PreferencesAlreadyExistError);
    expect((error as PreferencesAlreadyExistError).userId).to.equal('u-1');
    expect(store.preferences.get('u-1')).to.deep.equal(before);
    expect(events.map((e) => e.type)).to.deep.equal(['NotificationPreferencesCreated']);
    expect(store.rollbacks).to.equal(1);
  });

  it('refuses invalid fields, naming each, and stores nothing', async () => {
    const { bus, store, events } = app();
    expect(await invalidField(bus.handle(createPreferences({ notificationEmail: 'ada@example.com\r\nBcc: x@y.z' })))).to.equal(
      'notification_email',
    );
    expect(await invalidField(bus.handle(createPreferences({ notificationEmail: 'not-an-email' })))).to.equal('notification_email');
    expect(await invalidField(bus.handle(createPreferences({ userId: ' ' })))).to.equal('userid');
    expect(await invalidField(bus.handle(createPreferences({ preferences: { nope: true } })))).to.equal('preferences.nope');
    expect(store.preferences.size).to.equal(0);
    expect(events).to.deep.equal([]);
  });
});

describe('ReplacePreferences', () => {
  it('creates preferences that do not exist yet', async () => {
    const { bus, store, events } = app();
    const result = await bus.handle(replacePreferences({ preferences: { welcome: false } }));
    expect(result.created).to.equal(true);
    expect(result.preferences.preferences).to.deep.equal({ ...ALL_ON, welcome: false });
    expect(store.preferences.get('u-1')?.version).to.equal(1);
    expect(events.map((e) => e.type)).to.deep.equal(['NotificationPreferencesCreated']);
  });

  it('replaces email and flags, turning absent flags back on, and raises one update', async () => {
    const { bus, store, events, clock } = app();
    await bus.handle(createPreferences({ preferences: { welcome: false } }));
    clock.advance(60_000);
    const result = await bus.handle(replacePreferences({ notificationEmail: 'grace@example.com', preferences: { security_alert: false } }));
    const replaced = { userId: 'u-1', notificationEmail: 'grace@example.com', preferences: { ...ALL_ON, security_alert: false } };
    const view = { ...replaced, ...NO_CONTACT_POINTS, ...NO_DELIVERY_SETTINGS, webhookSecret: null, createdAt: T0, updatedAt: clock.now() };
    expect(result).to.deep.equal({ created: false, preferences: view });
    expect(store.preferences.get('u-1')).to.deep.equal({ ...replaced, ...NO_STORED_CONTACT_POINTS, ...NO_DELIVERY_SETTINGS, version: 2, createdAt: T0, updatedAt: clock.now() });
    expect(events.slice(1)).to.deep.equal([{ type: 'NotificationPreferencesUpdated', ...replaced, ...NO_CONTACT_POINTS, ...NO_DELIVERY_SETTINGS, previousEmail: 'ada@example.com' }]);
  });

  it('raises no update when the values are the same', async () => {
    const { bus, store, events, clock } = app();
    await bus.handle(createPreferences({ preferences: { welcome: false } }));
    clock.advance(60_000);
    const result = await bus.handle(replacePreferences({ notificationEmail: 'ada@EXAMPLE.com', preferences: { welcome: false } }));
    expect(result.created).to.equal(false);
    expect(result.preferences.updatedAt).to.deep.equal(T0);
    expect(store.preferences.get('u-1')?.updatedAt).to.deep.equal(T0);
    expect(events.map((e) => e.type)).to.deep.equal(['NotificationPreferencesCreated']);
  });

  it('refuses an invalid email and keeps the stored preferences', async () => {
    const { bus, store } = app();
    await bus.handle(createPreferences());
    const before = store.preferences.get('u-1');
    expect(await invalidField(bus.handle(replacePreferences({ notificationEmail: 'a@b@c' })))).to.equal('notification_email');
    expect(store.preferences.get('u-1')).to.deep.equal(before);
  });
});

describe('CreateApiKey', () => {
  const createKey = (name: string, scopes: readonly string[]) =>
    ({ type: 'CreateApiKey', name, scopes: scopes as readonly ApiKeyScope[] }) as const;

  it('returns the key once and stores only its SHA-256 hash', async () => {
    const { bus, store } = app();
    const created = await bus.handle(createKey('reporting', ['preferences:read']));
    expect(created).to.deep.include({ id: '00000000-0000-4000-8000-000000000001', name: 'reporting', scopes: ['preferences:read'] });
    expect(created.createdAt).to.deep.equal(T0);
    expect(created.key).to.match(/^nsk_[A-Za-z0-9_-]{43}$/);
    const stored = store.apiKeys.get(created.id);
    expect(stored).to.deep.equal({
      id: created.id,
      name: 'reporting',
      keyHash: createHash('sha256').update(created.key).digest('hex'),
      scopes: ['preferences:read'],
      createdAt: T0,
      revokedAt: null,
    });
    expect(JSON.stringify([...store.apiKeys.values()])).to.not.contain(created.key);
  });

  it('trims the name, removes duplicate scopes and makes a different key each time', async () => {
    const { bus } = app();
    const first = await bus.handle(createKey('  ops  ', ['admin', 'preferences:read', 'admin']));
    const second = await bus.handle(createKey('ops', ['admin']));
    expect([first.name, first.scopes]).to.deep.equal(['ops', ['admin', 'preferences:read']]);
    expect(first.key).to.not.equal(second.key);
  });

  it('refuses no scopes, an unknown scope and a blank or too long name, storing nothing', async () => {
    const { bus, store } = app();
    expect(await invalidField(bus.handle(createKey('ops', [])))).to.equal('scopes');
    expect(await invalidField(bus.handle(createKey('ops', ['admin', 'root'])))).to.equal('scopes.1');
    expect(await invalidField(bus.handle(createKey('   ', ['admin'])))).to.equal('name');
    expect(await invalidField(bus.handle(createKey('x'.repeat(101), ['admin'])))).to.equal('name');
    expect(store.apiKeys.size).to.equal(0);
  });
});

describe('RevokeApiKey', () => {
  it('revokes a live key at the current time', async () => {
    const { bus, store, clock } = app();
    const { id } = await bus.handle({ type: 'CreateApiKey', name: 'ops', scopes: ['admin'] });
    clock.advance(5_000);
    await bus.handle({ type: 'RevokeApiKey', apiKeyId: id });
    expect(store.apiKeys.get(id)?.revokedAt).to.deep.equal(clock.now());
  });

  it('refuses to revoke a key twice or a key that never existed', async () => {
    const { bus, store } = app();
    const { id } = await bus.handle({ type: 'CreateApiKey', name: 'ops', scopes: ['admin'] });
    await bus.handle({ type: 'RevokeApiKey', apiKeyId: id });
    const revokedAt = store.apiKeys.get(id)?.revokedAt;
    for (const apiKeyId of [id, '00000000-0000-4000-8000-0000000000ff']) {
      const error = await rejection(bus.handle({ type: 'RevokeApiKey', apiKeyId }));
      expect(error).to.be.instanceOf(ApiKeyNotFoundError);
      expect((error as ApiKeyNotFoundError).apiKeyId).to.equal(apiKeyId);
    }
    expect(store.apiKeys.get(id)?.revokedAt).to.deep.equal(revokedAt);
  });
});
