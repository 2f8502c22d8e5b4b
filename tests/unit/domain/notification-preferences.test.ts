import { expect } from 'chai';
import { EmailAddress } from '../../../src/domain/email-address.js';
import { NotificationPreferences, preferenceFlags } from '../../../src/domain/notification-preferences.js';
import { NO_CONTACT_POINTS, NO_DELIVERY_SETTINGS, NO_STORED_CONTACT_POINTS, aPreferences, at, T0 } from '../mothers.js';

const ALL_ON = preferenceFlags();

describe('NotificationPreferences', () => {
  it('raises exactly one NotificationPreferencesCreated with the data on create, drained by the first pull', () => {
    const preferences = aPreferences({ userId: 'u-1', email: 'ada@Example.com', flags: { welcome: false } });
    expect(preferences.pullEvents()).to.deep.equal([
      {
        type: 'NotificationPreferencesCreated',
        userId: 'u-1',
        notificationEmail: 'ada@example.com',
        preferences: { ...ALL_ON, welcome: false },
        ...NO_CONTACT_POINTS,
        ...NO_DELIVERY_SETTINGS,
        username: null,
      },
    ]);
    expect(preferences.pullEvents()).to.deep.equal([]);
  });

  it('allows a type unless the user opted out of it', () => {
    const preferences = aPreferences({ flags: { security_alert: false } });
    expect(preferences.allows('welcome')).to.equal(true);
    expect(preferences.allows('security_alert')).to.equal(false);
  });

  it('raises NotificationPreferencesUpdated with the new data when flags change', () => {
    const preferences = aPreferences();
    preferences.pullEvents();
    preferences.replace(EmailAddress.of('ada@example.com'), preferenceFlags({ order_status_update: false }), at(60));
    expect(preferences.pullEvents()).to.deep.equal([
      {
        type: 'NotificationPreferencesUpdated',
        userId: 'user-1',
        notificationEmail: 'ada@example.com',
        previousEmail: 'ada@example.com',
        preferences: { ...ALL_ON, order_status_update: false },
        ...NO_CONTACT_POINTS,
        ...NO_DELIVERY_SETTINGS,
      },
    ]);
    expect(preferences.allows('order_status_update')).to.equal(false);
    expect(preferences.snapshot().updatedAt).to.deep.equal(at(60));
  });

  it('raises NotificationPreferencesUpdated when only the email changes', () => {
    const preferences = aPreferences();
    preferences.pullEvents();
    preferences.replace(EmailAddress.of('grace@example.com'), ALL_ON, at(60));
    expect(preferences.pullEvents().map((e) => [e.type, 'notificationEmail' in e ? e.notificationEmail : null])).to.deep.equal([
      ['NotificationPreferencesUpdated', 'grace@example.com'],
    ]);
    expect(preferences.notificationEmail.value).to.equal('grace@example.com');
  });

  it('raises nothing and keeps updatedAt when replaced with identical values', () => {
    const preferences = aPreferences({ flags: { welcome: false } });
    preferences.pullEvents();
    preferences.replace(EmailAddress.of('ada@EXAMPLE.com'), preferenceFlags({ welcome: false }), at(60));
    expect(preferences.pullEvents()).to.deep.equal([]);
    expect(preferences.snapshot().updatedAt).to.deep.equal(T0);
  });

  it('is loaded at version 0 when new and snapshots as version 1', () => {
    const preferences = aPreferences();
    expect(preferences.loadedVersion).to.equal(0);
    expect(preferences.snapshot()).to.deep.equal({
      userId: 'user-1',
      notificationEmail: 'ada@example.com',
      preferences: ALL_ON,
      ...NO_STORED_CONTACT_POINTS,
      ...NO_DELIVERY_SETTINGS,
      version: 1,
      createdAt: T0,
      updatedAt: T0,
    });
  });

  it('restores from a snapshot at its version, raising nothing, and snapshots the next version', () => {
    const restored = NotificationPreferences.restore({ ...aPreferences().snapshot(), version: 7 });
    expect(restored.loadedVersion).to.equal(7);
    expect(restored.snapshot().version).to.equal(8);
    expect(restored.pullEvents()).to.deep.equal([]);
  });

  it('copies its flags into snapshots and events so callers cannot change its state', () => {
    const preferences = aPreferences();
    const [event] = preferences.pullEvents();
    (preferences.snapshot().preferences as Record<string, boolean>).welcome = false;
    (event as { preferences: Record<string, boolean> }).preferences.welcome = false;
    expect(preferences.allows('welcome')).to.equal(true);
  });

  it('allows a type missing from stored preferences (written before the type existed)', () => {
    const { order_status_update: _dropped, ...older } = ALL_ON;
    const restored = NotificationPreferences.restore({
      ...aPreferences().snapshot(),
      preferences: older,
    });
    expect(restored.allows('order_status_update')).to.equal(true);
    expect(restored.snapshot().preferences).to.deep.equal(ALL_ON);
  });
});
