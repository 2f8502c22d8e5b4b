import { expect } from 'chai';
import { ChannelFlags } from '../../../src/domain/channel-flags.js';
import { ChannelOverrides } from '../../../src/domain/channel-overrides.js';
import { EmailAddress } from '../../../src/domain/email-address.js';
import { NotificationPreferences, type PreferencesChange, preferenceFlags } from '../../../src/domain/notification-preferences.js';
import { QuietHours } from '../../../src/domain/quiet-hours.js';
import { UserId } from '../../../src/domain/user-id.js';
import { NO_CONTACT_POINTS, NO_DELIVERY_SETTINGS, T0, at } from '../mothers.js';

const ALL_CHANNELS = NO_DELIVERY_SETTINGS.channels;
const EMAIL = EmailAddress.of('ada@example.com');

const FULL: PreferencesChange = {
  language: 'fr-BE',
  timeZone: 'Europe/Brussels',
  quietHours: QuietHours.of('22:00', '08:00'),
  channels: ChannelFlags.of({ sms: false }),
  overrides: ChannelOverrides.of({ order_status_update: { push: true } }),
};

function profile(flags: Record<string, boolean> = {}, change: PreferencesChange = FULL): NotificationPreferences {
  const created = NotificationPreferences.create(UserId.of('u-1'), EMAIL, preferenceFlags(flags), T0, null, change);
  created.pullEvents();
  return created;
}

describe('NotificationPreferences delivery settings', () => {
  it('holds the language, time zone and quiet hours it was created with', () => {
    const preferences = profile();
    expect([preferences.language, preferences.timeZone]).to.deep.equal(['fr-BE', 'Europe/Brussels']);
    expect(preferences.quietHours?.equals(QuietHours.of('22:00', '08:00'))).to.equal(true);
    expect(profile({}, {}).quietHours).to.equal(null);
  });

  it('carries every setting on its created event', () => {
    const created = NotificationPreferences.create(UserId.of('u-1'), EMAIL, preferenceFlags(), T0, null, FULL);
    expect(created.pullEvents()).to.deep.equal([
      {
        type: 'NotificationPreferencesCreated',
        userId: 'u-1',
        notificationEmail: 'ada@example.com',
        preferences: preferenceFlags(),
        ...NO_CONTACT_POINTS,
        language: 'fr-BE',
        timeZone: 'Europe/Brussels',
        quietHours: { start: '22:00', end: '08:00' },
        channels: { ...ALL_CHANNELS, sms: false },
        overrides: { order_status_update: { push: true } },
        username: null,
      },
    ]);
  });

  describe('channelDecision', () => {
    it('lets an override decide, on or off, whatever the type and channel flags say', () => {
      const preferences = profile({ order_status_update: false }, { channels: ChannelFlags.of({ push: false }), overrides: ChannelOverrides.of({ order_status_update: { push: true }, welcome: { email: false } }) });
      expect(preferences.channelDecision('order_status_update', 'push')).to.equal(true);
      expect(preferences.channelDecision('welcome', 'email')).to.equal(false);
    });

    it('without an override, needs both the type flag and the channel flag', () => {
      const preferences = profile({ order_status_update: false }, { channels: ChannelFlags.of({ sms: false }) });
      expect(preferences.channelDecision('order_status_update', 'email'), 'type off').to.equal(false);
      expect(preferences.channelDecision('welcome', 'sms'), 'channel off').to.equal(false);
      expect(preferences.channelDecision('welcome', 'email'), 'both on').to.equal(true);
      expect(preferences.channelDecision('invoice_due', 'push'), 'a type created over REST has no flag: on').to.equal(true);
      expect(preferences.channelDecision('invoice_due', 'sms')).to.equal(false);
    });

    it('keeps a type override to the channels it names', () => {
      const preferences = profile({ welcome: false }, { overrides: ChannelOverrides.of({ welcome: { push: true } }) });
      expect(preferences.channelDecision('welcome', 'push')).to.equal(true);
      expect(preferences.channelDecision('welcome', 'email')).to.equal(false);
    });
  });

  describe('replace', () => {
    it('keeps settings the change leaves out, raising nothing when nothing else changed', () => {
      const preferences = profile();
      preferences.replace(EMAIL, preferenceFlags(), at(60), {});
      expect(preferences.pullEvents()).to.deep.equal([]);
      expect(preferences.snapshot()).to.deep.include({ language: 'fr-BE', timeZone: 'Europe/Brussels', updatedAt: T0 });
    });

    it('clears a setting given as null and raises an update carrying every setting', () => {
      const preferences = profile();
      preferences.replace(EMAIL, preferenceFlags(), at(60), { quietHours: null, channels: null, language: 'nl-BE' });
      const [event, ...others] = preferences.pullEvents();
      expect(others).to.deep.equal([]);
      expect(event).to.deep.include({
        type: 'NotificationPreferencesUpdated',
        language: 'nl-BE',
        timeZone: 'Europe/Brussels',
        quietHours: null,
        channels: ALL_CHANNELS,
        overrides: { order_status_update: { push: true } },
      });
      expect(preferences.snapshot().updatedAt).to.deep.equal(at(60));
    });

    it('raises an update when only an override changes', () => {
      const preferences = profile();
      preferences.replace(EMAIL, preferenceFlags(), at(60), { overrides: ChannelOverrides.of({ order_status_update: { push: false } }) });
      expect(preferences.pullEvents().map((e) => e.type)).to.deep.equal(['NotificationPreferencesUpdated']);
      expect(preferences.channelDecision('order_status_update', 'push')).to.equal(false);
    });
  });

  it('snapshots every setting and restores to the same decisions', () => {
    const snapshot = profile({ welcome: false }).snapshot();
    expect(snapshot).to.deep.include({
      language: 'fr-BE',
      timeZone: 'Europe/Brussels',
      quietHours: { start: '22:00', end: '08:00' },
      channels: { ...ALL_CHANNELS, sms: false },
      overrides: { order_status_update: { push: true } },
    });
    const restored = NotificationPreferences.restore(snapshot);
    expect(restored.snapshot()).to.deep.equal({ ...snapshot, version: 2 });
    expect(restored.channelDecision('order_status_update', 'push')).to.equal(true);
    expect(restored.channelDecision('welcome', 'email')).to.equal(false);
    expect(restored.pullEvents()).to.deep.equal([]);
  });

  it('copies its settings into snapshots so callers cannot change its state', () => {
    const preferences = profile();
    const snapshot = preferences.snapshot();
    (snapshot.channels as Record<string, boolean>).sms = true;
    (snapshot.overrides['order_status_update'] as Record<string, boolean>).push = false;
    expect(preferences.channelDecision('welcome', 'sms')).to.equal(false);
    expect(preferences.channelDecision('order_status_update', 'push')).to.equal(true);
  });
});
